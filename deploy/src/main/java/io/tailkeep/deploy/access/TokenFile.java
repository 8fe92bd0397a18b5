package io.tailkeep.deploy.access;

import io.tailkeep.collector.AccessCheck;
import io.vertx.core.Future;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authorization.Authorization;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The access tokens file ({@code auth.tokens_file}): a YAML list of {@code name}, {@code token}
 * and {@code roles} ({@code ingest}, {@code read}, {@code admin}), as an {@link
 * AuthenticationProvider} the receivers and the API port ask.
 *
 * <p>Only each token's SHA-256 is kept. A presented token is hashed and compared with every entry
 * by {@link MessageDigest#isEqual} (constant time for equal lengths, and hashes are all 32 bytes),
 * without stopping at a match, so the time taken says nothing about which entry or how much of it
 * matched. The file is read again when its content changes ({@link #watch}); a file that breaks
 * later keeps the tokens that were read last, and the reason is logged once per broken content.
 */
public final class TokenFile implements AuthenticationProvider, AutoCloseable {

  /** The roles a token may have. */
  public static final Set<String> ROLES = Set.of("ingest", "read", "admin");

  /** Shorter tokens are refused: they could be guessed. */
  static final int MIN_TOKEN_LENGTH = 16;

  private static final Logger LOG = LoggerFactory.getLogger(TokenFile.class);
  private static final String PROVIDER_ID = "tailkeep-tokens";

  /** One entry: the name shown in logs and 403s, the token's hash, its roles. */
  private record Entry(String name, byte[] tokenHash, Set<String> roles) {
    @Override
    public String toString() {
      return name + " " + roles; // never the hash
    }
  }

  private final Path file;
  private volatile List<Entry> entries;
  /** The content last read, good or broken: a change is a different content. */
  private volatile byte[] lastContentHash;
  private ScheduledExecutorService watcher;

  private TokenFile(Path file, List<Entry> entries, byte[] contentHash) {
    this.file = file;
    this.entries = entries;
    this.lastContentHash = contentHash;
  }

  /** Reads {@code file}; a missing, unreadable or invalid file is refused with every reason. */
  public static TokenFile load(Path file) throws TokenFileException {
    Objects.requireNonNull(file, "file");
    byte[] content = read(file);
    return new TokenFile(file, parse(file.toString(), content), sha256(content));
  }

  /**
   * Looks at the file every {@code interval} on a daemon thread and takes a changed one; {@link
   * #close} stops looking.
   */
  public synchronized TokenFile watch(Duration interval) {
    if (watcher == null) {
      watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "tailkeep-tokens-file");
        thread.setDaemon(true);
        return thread;
      });
      long millis = Math.max(1, interval.toMillis());
      watcher.scheduleWithFixedDelay(this::reloadIfChanged, millis, millis, TimeUnit.MILLISECONDS);
    }
    return this;
  }

  /**
   * Reads the file again if its content changed. True when new tokens were taken; false when
   * unchanged, or when the new content is invalid or unreadable (the old tokens stay, the reason is
   * logged once).
   */
  public boolean reloadIfChanged() {
    byte[] content;
    try {
      content = read(file);
    } catch (TokenFileException e) {
      byte[] missing = new byte[0];
      if (!Arrays.equals(lastContentHash, missing)) {
        lastContentHash = missing;
        LOG.warn("{}; keeping the {} tokens read before", e.getMessage(), entries.size());
      }
      return false;
    }
    byte[] contentHash = sha256(content);
    if (Arrays.equals(contentHash, lastContentHash)) {
      return false;
    }
    lastContentHash = contentHash;
    try {
      List<Entry> loaded = parse(file.toString(), content);
      entries = loaded;
      LOG.info("tokens file {} reloaded: {}", file, loaded);
      return true;
    } catch (TokenFileException e) {
      LOG.warn("tokens file {} is invalid, keeping the {} tokens read before: {}",
          file, entries.size(), String.join("; ", e.problems()));
      return false;
    }
  }

  /** The entries' names and roles, for the start-up log; never a token. */
  public String describe() {
    return entries.toString();
  }

  @Override
  public Future<User> authenticate(Credentials credentials) {
    String token = AccessCheck.token(credentials).orElse(null);
    if (token == null || token.isEmpty()) {
      return Future.failedFuture("no token");
    }
    byte[] presented = sha256(token.getBytes(StandardCharsets.UTF_8));
    Entry match = null;
    for (Entry entry : entries) { // every entry, match or not: the time does not depend on where
      if (MessageDigest.isEqual(presented, entry.tokenHash()) & match == null) {
        match = entry;
      }
    }
    if (match == null) {
      return Future.failedFuture("unknown token");
    }
    User user = User.fromName(match.name());
    Set<Authorization> roles = new HashSet<>();
    match.roles().forEach(role -> roles.add(RoleBasedAuthorization.create(role)));
    user.authorizations().put(PROVIDER_ID, roles);
    return Future.succeededFuture(user);
  }

  @Override
  public synchronized void close() {
    if (watcher != null) {
      watcher.shutdownNow();
      watcher = null;
    }
  }

  private static byte[] read(Path file) throws TokenFileException {
    if (!Files.isRegularFile(file)) {
      throw new TokenFileException(List.of("tokens file " + file + " does not exist"));
    }
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new TokenFileException(List.of("tokens file " + file + " cannot be read: " + e));
    }
  }

  /** Every problem of the file at once, each naming the entry; a token never appears. */
  static List<Entry> parse(String fileName, byte[] content) throws TokenFileException {
    Object document;
    try {
      document =
          new Yaml(new SafeConstructor(new LoaderOptions()))
              .load(new String(content, StandardCharsets.UTF_8));
    } catch (YAMLException e) {
      // snakeyaml's message quotes the offending line, which may hold a token: only where.
      String where = e instanceof org.yaml.snakeyaml.error.MarkedYAMLException marked
              && marked.getProblemMark() != null
          ? " at line " + (marked.getProblemMark().getLine() + 1)
          : "";
      throw new TokenFileException(List.of(fileName + ": not valid YAML" + where));
    }
    if (!(document instanceof List<?> list) || list.isEmpty()) {
      throw new TokenFileException(List.of(fileName
          + ": must be a non-empty YAML list of {name, token, roles}, e.g."
          + " '- {name: grafana, token: <random>, roles: [read]}'"));
    }
    List<String> problems = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    Set<String> names = new HashSet<>();
    List<byte[]> hashes = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String where = fileName + ": entry " + (i + 1);
      if (!(list.get(i) instanceof Map<?, ?> item)) {
        problems.add(where + ": must be a mapping with name, token and roles");
        continue;
      }
      String name = item.get("name") instanceof String n && !n.isBlank() ? n.trim() : null;
      if (name == null) {
        problems.add(where + ": name must be a non-empty text");
      } else {
        where = where + " (" + name + ")";
        if (!names.add(name)) {
          problems.add(where + ": name appears twice");
        }
      }
      for (Object key : item.keySet()) {
        if (!Set.of("name", "token", "roles").contains(String.valueOf(key))) {
          problems.add(where + ": unknown key '" + key + "' (the keys are name, token, roles)");
        }
      }
      Object tokenValue = item.get("token");
      String token = tokenValue instanceof String t ? t : null;
      if (token == null || token.length() < MIN_TOKEN_LENGTH || !token.strip().equals(token)
          || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
        problems.add(where + ": token must be a text of at least " + MIN_TOKEN_LENGTH
            + " printable ASCII characters without spaces"
            + " (e.g. from 'openssl rand -hex 32'; quote it if YAML would read a number)");
        token = null;
      }
      Set<String> roles = new LinkedHashSet<>();
      if (!(item.get("roles") instanceof List<?> roleList) || roleList.isEmpty()) {
        problems.add(where + ": roles must be a non-empty list of ingest, read, admin");
      } else {
        for (Object role : roleList) {
          if (!ROLES.contains(String.valueOf(role))) {
            problems.add(where + ": '" + role + "' is not a role; the roles are ingest, read, admin");
          } else {
            roles.add((String) role);
          }
        }
      }
      if (token != null) {
        byte[] hash = sha256(token.getBytes(StandardCharsets.UTF_8));
        if (hashes.stream().anyMatch(h -> MessageDigest.isEqual(h, hash))) {
          problems.add(where + ": the same token as an earlier entry");
        }
        hashes.add(hash);
        if (name != null && !roles.isEmpty()) {
          entries.add(new Entry(name, hash, Set.copyOf(roles)));
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new TokenFileException(problems);
    }
    return List.copyOf(entries);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}

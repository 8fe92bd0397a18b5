package io.tailkeep.sampler.reload;

import com.github.benmanes.caffeine.cache.Ticker;
import io.tailkeep.sampler.reload.RulesStatus.ReloadError;
import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.sampler.rules.RulesFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the sampling rules in step with their file: {@link #checkNow()}, called by a scheduler
 * about once a second, applies a valid new version and refuses an invalid one, keeping the rules
 * in use. Refusals are logged, counted and kept in {@link #status()}.
 *
 * <p>The file is polled rather than watched with a {@code WatchService}, which reports changes to
 * a directory's entries: Kubernetes updates a mounted ConfigMap by swapping the {@code ..data}
 * symlink, so the event names {@code ..data}, not the file; a file reached through a symlink
 * changes in another directory; editors that save by rename send a delete and a create to be
 * paired up; bind and network mounts may send nothing; and on macOS the JDK's watcher polls
 * anyway. Reading a small file once a second costs nothing and covers all of these with one path.
 * A change is recognised by the SHA-256 of the content, not the modification time, which a rename
 * or a symlink swap may leave as it was; an unchanged content is not parsed again, so a refused
 * version is reported once, not every second.
 *
 * <p>Thread-safe: {@link #checkNow()} runs one at a time (the consumer too); {@link #current()}
 * and {@link #status()} can be read from any thread, and each {@link RulesStatus} describes one
 * version consistently.
 */
public final class RulesReloader {

  private static final Logger LOG = LoggerFactory.getLogger(RulesReloader.class);

  private final Path file;
  private final Consumer<RuleSet> apply;
  private final Clock clock;
  private final Ticker ticker;

  /** Replaced whole under this object's monitor, so readers see one consistent version. */
  private volatile Snapshot snapshot;

  /**
   * @param lastSeen what the last check found: the content's SHA-256, or the reason the file could
   *     not be read; a check that finds the same does nothing
   */
  private record Snapshot(RuleSet rules, RulesStatus status, String lastSeen) {}

  private RulesReloader(Path file, Consumer<RuleSet> apply, Clock clock, Ticker ticker) {
    this.file = file;
    this.apply = apply;
    this.clock = clock;
    this.ticker = ticker;
  }

  /**
   * {@link #load(Path, Consumer, Clock, Ticker)} for readers that take {@link #current()} after
   * each {@link #checkNow()} themselves (the sampler's tick, a node on Kafka's consumers): no
   * consumer, so it can be loaded before whatever runs the rules is built.
   */
  public static RulesReloader load(Path file, Clock clock, Ticker ticker)
      throws RulesFileException {
    return load(file, rules -> {}, clock, ticker);
  }

  /**
   * Loads the rules file; a server must not start on bad rules, so an invalid, missing or
   * unreadable file is refused with a {@link RulesFileException} naming every problem.
   *
   * <p>The rules loaded here are not passed to {@code apply}: whatever runs them is built from
   * {@link #current()}; {@code apply} receives each valid new version found by {@link #checkNow()}
   * (e.g. {@code buffer::replaceRules}).
   *
   * @param clock wall time for {@link RulesStatus#loadedAt()} and refusals
   * @param ticker read by the rules' rate limits (the buffer's ticker)
   */
  public static RulesReloader load(
      Path file, Consumer<RuleSet> apply, Clock clock, Ticker ticker) throws RulesFileException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(apply, "apply");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(ticker, "ticker");
    RulesReloader reloader = new RulesReloader(file, apply, clock, ticker);
    FileContent content = FileContent.read(file);
    if (content.unreadable()) {
      // Only RulesFile makes RulesFileExceptions: let it read the file and refuse it itself.
      RulesFile.load(file, ticker);
      content = FileContent.read(file); // it became readable in between
      if (content.unreadable()) {
        throw new IllegalStateException(content.problem());
      }
    }
    RuleSet rules = RulesFile.parse(file.toString(), content.text(), ticker);
    RulesStatus status =
        new RulesStatus(
            file,
            content.sha256(),
            clock.instant(),
            rules.ruleNames(),
            0,
            0,
            Optional.empty(),
            false);
    reloader.snapshot = new Snapshot(rules, status, content.sha256());
    LOG.info(
        "rules loaded from {}: {} (sha {})", file, describe(rules), shortSha(content.sha256()));
    return reloader;
  }

  /** The rules in use. */
  public RuleSet current() {
    return snapshot.rules();
  }

  public RulesStatus status() {
    return snapshot.status();
  }

  /** The rules file this reloader reads. */
  public Path file() {
    return file;
  }

  /**
   * Reads the file and, if its content changed since the last check, applies it when valid or
   * refuses it (keeping the rules in use, logging a warning with every problem and recording the
   * error) when invalid, missing or unreadable. Never throws for problems with the file.
   *
   * @return true if new rules were applied
   */
  public synchronized boolean checkNow() {
    Snapshot before = snapshot;
    FileContent content = FileContent.read(file);
    String seen = content.seen();
    if (seen.equals(before.lastSeen())) {
      return false;
    }
    if (content.unreadable()) {
      refuse(before, seen, List.of(content.problem()));
      return false;
    }
    if (content.sha256().equals(before.status().sha256())) {
      // Back to the version in use after a refused one: nothing to apply, nothing wrong on disk.
      LOG.info("rules file {} is back to the rules in use (sha {})", file, shortSha(seen));
      snapshot = new Snapshot(before.rules(), withInvalidOnDisk(before.status(), false), seen);
      return false;
    }
    RuleSet rules;
    try {
      rules = RulesFile.parse(file.toString(), content.text(), ticker);
    } catch (RulesFileException e) {
      refuse(before, seen, e.errors());
      return false;
    } catch (RuntimeException e) {
      // A parser bug; the scheduler calling us must survive it.
      LOG.error("rules file {}: the parser failed", file, e);
      refuse(before, seen, List.of(file + ": the rules parser failed: " + e));
      return false;
    }
    try {
      apply.accept(rules);
    } catch (RuntimeException e) {
      LOG.error("rules from {} are valid but applying them failed", file, e);
      refuse(before, seen, List.of(file + ": the rules are valid but applying them failed: " + e));
      return false;
    }
    RulesStatus was = before.status();
    RulesStatus status =
        new RulesStatus(
            file,
            content.sha256(),
            clock.instant(),
            rules.ruleNames(),
            was.reloads() + 1,
            was.reloadErrors(),
            was.lastError(),
            false);
    snapshot = new Snapshot(rules, status, seen);
    LOG.info("rules reloaded from {}: {} (sha {})", file, describe(rules), shortSha(seen));
    return true;
  }

  private void refuse(Snapshot before, String seen, List<String> errors) {
    RulesStatus was = before.status();
    RulesStatus status =
        new RulesStatus(
            file,
            was.sha256(),
            was.loadedAt(),
            was.ruleNames(),
            was.reloads(),
            was.reloadErrors() + 1,
            Optional.of(new ReloadError(clock.instant(), errors)),
            true);
    snapshot = new Snapshot(before.rules(), status, seen);
    LOG.warn(
        "rules file {} refused, keeping the rules in use (sha {}):\n  {}",
        file,
        shortSha(was.sha256()),
        String.join("\n  ", errors));
  }

  private static RulesStatus withInvalidOnDisk(RulesStatus status, boolean invalidOnDisk) {
    return new RulesStatus(
        status.file(),
        status.sha256(),
        status.loadedAt(),
        status.ruleNames(),
        status.reloads(),
        status.reloadErrors(),
        status.lastError(),
        invalidOnDisk);
  }

  private static String describe(RuleSet rules) {
    int count = rules.ruleNames().size();
    return count == 1 ? "1 rule" : count + " rules";
  }

  private static String shortSha(String sha256) {
    return sha256.substring(0, 12);
  }
}

package io.tailkeep.sampler.rules;

import com.github.benmanes.caffeine.cache.Ticker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Reads sampling rules files (YAML; the format is described in the sampler module's README). A
 * file with any problem is refused as a whole, with every problem found named by file, line and
 * column, so a hot reload can keep the rules it has and show why.
 */
public final class RulesFile {

  /** The classpath resource holding the rules the product promises out of the box. */
  public static final String DEFAULT_RULES_RESOURCE = "/io/tailkeep/sampler/default-rules.yaml";

  private static final String DEFAULT_RULES_NAME = "default-rules.yaml";

  private RulesFile() {}

  /**
   * Parses rules text; {@code fileName} names the file in error messages. Rate limits run on the
   * system ticker.
   */
  public static RuleSet parse(String fileName, String yaml) throws RulesFileException {
    return parse(fileName, yaml, Ticker.systemTicker());
  }

  /** Parses rules text, with rate limits that read time from {@code ticker}. */
  public static RuleSet parse(String fileName, String yaml, Ticker ticker)
      throws RulesFileException {
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(yaml, "yaml");
    Objects.requireNonNull(ticker, "ticker");
    return new RulesParser(fileName, ticker).parse(yaml);
  }

  /** Reads and parses a rules file (UTF-8); an unreadable file is refused like an invalid one. */
  public static RuleSet load(Path path) throws RulesFileException {
    return load(path, Ticker.systemTicker());
  }

  public static RuleSet load(Path path, Ticker ticker) throws RulesFileException {
    String fileName = path.toString();
    String yaml;
    try {
      yaml = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new RulesFileException(
          fileName, List.of(fileName + ": cannot read the file: " + e));
    }
    return parse(fileName, yaml, ticker);
  }

  /** The default rules file's text, e.g. to write it out as a starting point. */
  /**
   * The SHA-256 of a rules file's bytes in lower-case hex: the version of the rules it holds, as
   * the reload status, the API and every decision name it.
   */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  public static String defaultRulesText() {
    try (InputStream in = RulesFile.class.getResourceAsStream(DEFAULT_RULES_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing classpath resource " + DEFAULT_RULES_RESOURCE);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The default rules; they ship with the code and are tested, so a failure here is a bug. */
  public static RuleSet loadDefault(Ticker ticker) {
    try {
      return parse(DEFAULT_RULES_NAME, defaultRulesText(), ticker);
    } catch (RulesFileException e) {
      throw new IllegalStateException("the bundled default rules are invalid: " + e.getMessage(), e);
    }
  }

  public static RuleSet loadDefault() {
    return loadDefault(Ticker.systemTicker());
  }
}

package io.tailkeep.deploy;

import io.tailkeep.deploy.config.TailkeepConfig;
import io.tailkeep.sampler.rules.RulesFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The rules file of an all-in-one {@code tailkeep run} (embedded Cassandra) whose config names
 * none: {@value #FILE_NAME} in the data directory, written from the shipped default rules the first time and watched from then on,
 * so a new user's first edit takes effect as a config's would. A file already there is the
 * user's, never rewritten.
 */
final class FirstRunRules {

  static final String FILE_NAME = "rules.yaml";

  private FirstRunRules() {}

  /**
   * The config as given when it names a rules file; otherwise with {@code rules.yaml} in the
   * embedded node's data directory, written from the shipped defaults when absent (whole or not
   * at all: written aside, then moved in place), which {@code out} is told.
   */
  static TailkeepConfig apply(TailkeepConfig config, PrintStream out) throws IOException {
    if (config.sampler().rulesFile().isPresent() || !config.cassandra().isEmbedded()) {
      return config; // a node of a cluster has no data directory of its own to keep rules in
    }
    Path file = config.cassandra().embedded().dataDirectory().resolve(FILE_NAME).toAbsolutePath();
    if (!Files.exists(file)) {
      Files.createDirectories(file.getParent());
      // A name of its own, so two processes starting on one directory cannot take each other's.
      Path partial = Files.createTempFile(file.getParent(), FILE_NAME + ".", ".partial");
      Files.writeString(partial, RulesFile.defaultRulesText(), StandardCharsets.UTF_8);
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
      out.println("wrote the shipped default rules to " + file + ": edit it, it is reloaded when it changes");
    }
    return config.withRulesFile(file);
  }
}

package io.tailkeep.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.deploy.config.TailkeepConfig;
import io.tailkeep.sampler.rules.RulesFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FirstRunRulesTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @Test
  void aRunWithoutARulesFileWritesTheDefaultsInTheDataDirectoryOnceAndWatchesThem(@TempDir Path dir)
      throws Exception {
    TailkeepConfig config = config(dir, "cassandra:\n  embedded:\n    data_directory: data\n");
    Path rules = dir.resolve("data").resolve("rules.yaml");

    TailkeepConfig first = FirstRunRules.apply(config, print());

    assertThat(first.sampler().rulesFile()).contains(rules);
    assertThat(rules).hasContent(RulesFile.defaultRulesText());
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("wrote the shipped default rules to " + rules);
    try (var left = Files.list(dir.resolve("data"))) {
      assertThat(left).as("nothing but the rules file").containsExactly(rules);
    }

    // The user's edit is theirs: a second start keeps it.
    Files.writeString(rules, "version: 1\nrules: []\n");
    out.reset();
    TailkeepConfig second = FirstRunRules.apply(config, print());
    assertThat(second.sampler().rulesFile()).contains(rules);
    assertThat(rules).hasContent("version: 1\nrules: []\n");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void aConfiguredRulesFileIsLeftAsItIs(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("mine.yaml"), "version: 1\nrules: []\n");
    TailkeepConfig config = config(dir,
        "sampler:\n  rules_file: mine.yaml\ncassandra:\n  embedded:\n    data_directory: data\n");

    assertThat(FirstRunRules.apply(config, print())).isSameAs(config);
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void aNodeOfAClusterKeepsTheShippedRules(@TempDir Path dir) throws Exception {
    TailkeepConfig config = config(dir,
        "cassandra:\n  contact_points: [cassandra-1:9042]\n  local_datacenter: dc1\n"
            + "  embedded:\n    data_directory: data\n");

    assertThat(FirstRunRules.apply(config, print())).isSameAs(config);
    assertThat(dir.resolve("data")).doesNotExist();
  }

  private static TailkeepConfig config(Path dir, String yaml) throws Exception {
    return TailkeepConfig.load(Files.writeString(dir.resolve("tailkeep.yaml"), yaml), Map.of());
  }

  private PrintStream print() {
    return new PrintStream(out, true, StandardCharsets.UTF_8);
  }
}

package io.tailkeep.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.sampler.rules.RulesFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(
        List.of(args),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpListsTheCommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("run [--config FILE]")
        .contains("demo [--endpoint URL]")
        .contains("rules check FILE");
  }

  @Test
  void noCommandOrAnUnknownOneIsAUsageError() {
    assertThat(run()).isEqualTo(2);
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("unknown command 'frobnicate'")
        .contains("usage: tailkeep");
  }

  @Test
  void rulesWithoutCheckIsAUsageError() {
    assertThat(run("rules", "lint", "x.yaml")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("'check FILE [FILE...]'");
  }

  @Test
  void rulesDefaultsPrintsTheShippedRulesAsAFileToStartFrom() throws Exception {
    assertThat(run("rules", "defaults")).isZero();
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed).isEqualTo(RulesFile.defaultRulesText());
    assertThat(RulesFile.parse("rules.yaml", printed).ruleNames())
        .isEqualTo(RulesFile.loadDefault().ruleNames())
        .contains("keep-errors");
  }

  @Test
  void runRefusesBadOptionsBeforeStartingAnything() {
    assertThat(run("run", "--bogus", "x")).isEqualTo(2);
    assertThat(run("run", "--config")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("unknown option '--bogus'")
        .contains("--config takes one FILE")
        .contains(RunCommand.USAGE);
  }

  @Test
  void runRefusesABadConfigNamingEveryProblemBeforeStartingAnything(@TempDir Path dir)
      throws IOException {
    Path config = Files.writeString(dir.resolve("tailkeep.yaml"), "server:\n  grcp_port: 1\n");

    int status =
        Main.run(
            List.of("run", "--config", config.toString()),
            Map.of("TAILKEEP_SAMPLER_RULES_FILE", "/no/such/rules.yaml"),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "tailkeep run: the configuration is invalid:\n"
                + "  environment variable TAILKEEP_SAMPLER_RULES_FILE: sampler.rules_file: no such file:"
                + " /no/such/rules.yaml\n"
                + "  tailkeep.yaml:2:3: server.grcp_port: unknown key (did you mean 'server.grpc_port'?)\n");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void runRefusesAMissingConfigFile(@TempDir Path dir) {
    assertThat(run("run", "--config", dir.resolve("absent.yaml").toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("absent.yaml: cannot read the config file");
  }

  @Test
  void demoReachesTheDemo() {
    assertThat(run("demo", "--traces", "many")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--traces").contains("many");
  }

  @Test
  void rulesCheckReachesTheCheck(@TempDir Path dir) throws IOException {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "version: 1\nrules:\n  - name: x\n    explode: {}\n");

    assertThat(run("rules", "check", bad.toString())).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad.yaml:4").contains("explode");
  }
}

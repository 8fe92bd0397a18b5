package io.tailkeep.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("rules check FILE");
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
  void runRefusesBadOptionsBeforeStartingAnything() {
    assertThat(run("run", "--bogus", "x")).isEqualTo(2);
    assertThat(run("run", "--cassandra", "db:port", "--datacenter", "dc1")).isEqualTo(2);
    assertThat(run("run", "--cassandra", "db:9042")).isEqualTo(2);
    assertThat(run("run", "--rules")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("unknown option '--bogus'")
        .contains("--cassandra must be HOST or HOST:PORT, got 'db:port'")
        .contains("--cassandra and --datacenter go together")
        .contains("--rules needs a value")
        .contains(RunCommand.USAGE);
  }

  @Test
  void rulesCheckReachesTheCheck(@TempDir Path dir) throws IOException {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "version: 1\nrules:\n  - name: x\n    explode: {}\n");

    assertThat(run("rules", "check", bad.toString())).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad.yaml:4").contains("explode");
  }
}

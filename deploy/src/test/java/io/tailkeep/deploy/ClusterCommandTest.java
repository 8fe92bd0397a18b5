package io.tailkeep.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad arguments are refused before anything starts, naming what was wrong. */
class ClusterCommandTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(List.of(args), Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void badCountsAndUnknownOptionsAreNamed() {
    assertThat(run("cluster", "--sampler-nodes", "0")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("tailkeep cluster: --sampler-nodes must be a whole number from 1 to 16, got '0'")
        .contains(ClusterCommand.USAGE);
    err.reset();
    assertThat(run("cluster", "--nodes", "3")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option '--nodes'");
    err.reset();
    assertThat(run("cluster", "--ingest-nodes")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--ingest-nodes needs a value");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }
}

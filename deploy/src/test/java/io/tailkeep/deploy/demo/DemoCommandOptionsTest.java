package io.tailkeep.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.deploy.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command without a server: usage errors, help, and no server at the endpoint. */
class DemoCommandOptionsTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void unknownOptionIsAUsageError() {
    assertThat(run("--tracez", "5")).isEqualTo(2);
    assertThat(err()).contains("unknown option '--tracez'").contains("usage: tailkeep demo");
    assertThat(out()).isEmpty();
  }

  @Test
  void nonNumericTraceCountIsAUsageError() {
    assertThat(run("--traces", "many")).isEqualTo(2);
    assertThat(err()).contains("--traces must be a number from 10 to 100000, got 'many'");
  }

  @Test
  void tooFewTracesIsAUsageError() {
    assertThat(run("--traces", "3")).isEqualTo(2);
    assertThat(err()).contains("--traces", "got '3'");
  }

  @Test
  void badEndpointUrlIsAUsageError() {
    assertThat(run("--endpoint", "localhost:4317")).isEqualTo(2);
    assertThat(err()).contains("--endpoint must be a URL like http://localhost:4317, got 'localhost:4317'");
    err.reset();
    assertThat(run("--endpoint", "http://localhost:4318/v1/traces")).isEqualTo(2);
    assertThat(err()).contains("--endpoint", "got 'http://localhost:4318/v1/traces'");
    err.reset();
    assertThat(run("--endpoint", "http://localhost:99999")).isEqualTo(2);
    assertThat(err()).contains("--endpoint", "got 'http://localhost:99999'");
  }

  @Test
  void badApiUrlIsAUsageError() {
    assertThat(run("--api", "ftp://localhost:16686")).isEqualTo(2);
    assertThat(err()).contains("--api must be a URL like http://localhost:16686, got 'ftp://localhost:16686'");
  }

  @Test
  void unknownProtocolIsAUsageError() {
    assertThat(run("--protocol", "udp")).isEqualTo(2);
    assertThat(err()).contains("--protocol must be grpc or http/protobuf, got 'udp'");
  }

  @Test
  void missingValueIsAUsageError() {
    assertThat(run("--seed")).isEqualTo(2);
    assertThat(err()).contains("--seed needs a value");
    err.reset();
    assertThat(run("--seed", "0x1f")).isEqualTo(2);
    assertThat(err()).contains("--seed must be a whole number, got '0x1f'");
  }

  @Test
  void helpPrintsTheUsage() {
    assertThat(run("--help")).isEqualTo(0);
    assertThat(out()).isEqualTo(DemoCommand.USAGE);
  }

  @Test
  void noServerAtTheEndpointFailsQuicklyWithOneLine() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort(); // free once closed: nothing listens there
    }
    long start = System.nanoTime();
    int exit = run("--endpoint", "http://127.0.0.1:" + port);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(exit).isEqualTo(1);
    assertThat(err())
        .isEqualTo("tailkeep demo: no Tailkeep server at 127.0.0.1:" + port
            + " — start it with ./tailkeep run (or point --endpoint at one)" + System.lineSeparator());
    assertThat(out()).isEmpty();
    assertThat(took).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void defaultApiIsTheEndpointHostOnPort16686() {
    DemoOptions options = options("--endpoint", "http://collector.example:4317/");
    assertThat(options.api()).hasToString("http://collector.example:16686");
    assertThat(options.endpoint()).hasToString("http://collector.example:4317");
    DemoOptions http = options("--protocol", "http/protobuf");
    assertThat(http.endpoint()).hasToString("http://localhost:4318");
    assertThat(http.httpTracesUrl()).isEqualTo("http://localhost:4318/v1/traces");
  }

  private int run(String... args) {
    List<String> command = new ArrayList<>(List.of("demo"));
    command.addAll(List.of(args));
    return Main.run(
        command,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private static DemoOptions options(String... args) {
    DemoCommand demo = new DemoCommand(System.out, System.err);
    new CommandLine(demo).parseArgs(args);
    return demo.options();
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}

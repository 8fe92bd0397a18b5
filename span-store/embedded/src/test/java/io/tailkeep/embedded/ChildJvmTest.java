package io.tailkeep.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parent watch and the stop sequence, on a small server main class in a real child JVM. */
class ChildJvmTest {

  private static final String SERVER = ExampleServer.class.getName();

  @TempDir
  Path directory;

  private Path lib;
  private Path state;
  private Path output;

  @BeforeEach
  void writeTheServerJar() throws Exception {
    lib = Files.createDirectories(directory.resolve("lib"));
    state = directory.resolve("state");
    output = directory.resolve("logs").resolve("stdout.log");
    String entry = SERVER.replace('.', '/') + ".class";
    try (OutputStream file = Files.newOutputStream(lib.resolve("example-server.jar"));
        JarOutputStream jar = new JarOutputStream(file);
        InputStream classFile = ExampleServer.class.getClassLoader().getResourceAsStream(entry)) {
      jar.putNextEntry(new JarEntry(entry));
      classFile.transferTo(jar);
      jar.closeEntry();
    }
  }

  @Test
  void commandPutsTheServersJarsFirstThenTheWatchThenTheServersMain() {
    List<String> command = ChildJvm.command(Path.of("/srv/lib"), List.of("-Xmx64m"), "org.example.Main",
        List.of("a", "b"));

    assertThat(command.get(0)).isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    assertThat(command.subList(1, 4)).containsExactly("-Xmx64m", "-Dtailkeep.parentStops=true", "-cp");
    assertThat(command.get(4)).startsWith("/srv/lib/*:").endsWith("classes");
    assertThat(command.subList(5, command.size()))
        .containsExactly("io.tailkeep.embedded.ParentWatch", "org.example.Main", "a", "b");
  }

  @Test
  void stopClosesStdinAndTheServersShutdownHookRuns() throws Exception {
    ChildJvm child = start(Duration.ofSeconds(30), state.toString());
    awaitState("started", child);
    assertThat(child.isAlive()).isTrue();
    assertThat(ProcessHandle.of(child.pid())).hasValueSatisfying(process -> assertThat(process.isAlive()).isTrue());

    long stopping = System.nanoTime();
    child.stop();

    assertThat(child.isAlive()).isFalse();
    assertThat(ProcessHandle.of(child.pid()).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(child.exitValue()).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(10));
    assertThat(state).hasContent("stopped");
    assertThat(output).content().contains("example server running");
    child.stop(); // idempotent
  }

  @Test
  void signalsSentToTheWholeProcessGroupLeaveTheServerToItsParent() throws Exception {
    ChildJvm child = start(Duration.ofSeconds(30), state.toString());
    awaitState("started", child);

    for (String signal : new String[] {"INT", "TERM"}) {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).inheritIO().start();
      assertThat(kill.waitFor()).as("kill -%s", signal).isZero();
    }
    assertThat(child.waitFor(Duration.ofSeconds(2))).as("exited on a signal").isFalse();
    assertThat(state).hasContent("started");

    child.stop();
    assertThat(child.exitValue()).isZero();
    assertThat(state).hasContent("stopped");
  }

  @Test
  void aServerThatDoesNotStopInTimeIsKilled() throws Exception {
    ChildJvm child = start(Duration.ofSeconds(1), state.toString(), "hang");
    awaitState("started", child);

    child.stop();

    assertThat(child.isAlive()).isFalse();
    assertThat(state).hasContent("stopped"); // the hook began, then hung
    assertThat(child.exitValue()).isEqualTo(128 + 9); // SIGKILL
  }

  @Test
  void anUnknownServerMainClassEndsTheChildWithTheClassNamed() throws Exception {
    ChildJvm child = ChildJvm.start("Example",
        ChildJvm.command(lib, List.of("-Xmx64m"), "org.example.Missing", List.of()), directory, output,
        Duration.ofSeconds(5));
    try {
      assertThat(child.waitFor(Duration.ofSeconds(30))).isTrue();
      assertThat(child.exitValue()).isEqualTo(1);
      assertThat(output).content().contains("ClassNotFoundException: org.example.Missing");
    } finally {
      child.stop();
    }
  }

  private ChildJvm start(Duration gracefulStop, String... arguments) throws Exception {
    return ChildJvm.start("Example", ChildJvm.command(lib, List.of("-Xmx64m"), SERVER, List.of(arguments)),
        directory, output, gracefulStop);
  }

  private void awaitState(String expected, ChildJvm child) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!(Files.exists(state) && Files.readString(state).equals(expected))) {
      assertThat(child.isAlive()).as("child alive; its output: %s", LogTail.of(output, 20)).isTrue();
      assertThat(System.nanoTime() - deadline).as("waited 30 s for %s", expected).isNegative();
      Thread.sleep(50);
    }
  }
}

package io.tailkeep.kafka.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker that cannot start says why, and leaves no process behind. */
class EmbeddedKafkaFailureTest {

  @TempDir
  Path workDirectory;

  @TempDir
  Path elsewhere;

  @AfterEach
  void noBrokerLeftRunning() {
    assertThat(ProcessHandle.current().children()
        .filter(child -> child.info().arguments().map(args -> String.join(" ", args)).orElse("")
            .contains(workDirectory.toString())))
        .noneMatch(ProcessHandle::isAlive);
  }

  @Test
  void aClasspathDirectoryThatCannotBeCreatedIsNamed() throws Exception {
    Path file = Files.writeString(elsewhere.resolve("not-a-folder"), "");
    Path classpath = file.resolve("kafka");

    assertThatThrownBy(() -> EmbeddedKafka.builder().workDirectory(workDirectory).classpathDirectory(classpath)
        .build().start())
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("Kafka's jars could not be resolved into classpathDirectory " + classpath
            + ": Cannot use " + classpath + " for Kafka's jars: ");
  }

  @Test
  void aClasspathDirectoryWithoutKafkasJarsFailsTheFormatNamingTheMissingClass() throws Exception {
    // Marked as resolved for this version, but its jars are gone (a cleaned or broken cache).
    Path lib = Files.createDirectories(elsewhere.resolve("lib"));
    Files.writeString(lib.resolve(".resolved"), EmbeddedKafka.VERSION);

    assertThatThrownBy(() -> EmbeddedKafka.builder().workDirectory(workDirectory).classpathDirectory(elsewhere)
        .build().start())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Formatting Kafka's storage in " + workDirectory.resolve("data")
            + " failed: kafka.tools.StorageTool exited with code 1 (jars from " + lib + ")")
        .hasMessageContaining("Last lines of " + workDirectory.resolve("logs").resolve("format.log"))
        .hasMessageContaining("ClassNotFoundException: kafka.tools.StorageTool");
  }

  @Test
  void mavenFailureIsReportedWithTheClasspathDirectory() throws Exception {
    Path mavenHome = elsewhere.resolve("fake-maven");
    Path mvn = Files.createDirectories(mavenHome.resolve("bin")).resolve("mvn");
    Files.writeString(mvn, "#!/bin/sh\necho 'Could not transfer org.apache.kafka:kafka_2.13'\nexit 1\n");
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwx------"));
    Path classpath = elsewhere.resolve("classpath");

    String previous = System.setProperty("maven.home", mavenHome.toString());
    try {
      assertThatThrownBy(() -> EmbeddedKafka.builder().workDirectory(workDirectory).classpathDirectory(classpath)
          .build().start())
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("Kafka's jars could not be resolved into classpathDirectory " + classpath
              + ": Maven failed (exit 1) to resolve Kafka " + EmbeddedKafka.VERSION)
          .hasMessageContaining("Could not transfer org.apache.kafka:kafka_2.13");
    } finally {
      if (previous == null) {
        System.clearProperty("maven.home");
      } else {
        System.setProperty("maven.home", previous);
      }
    }
  }

  @Test
  void aWorkDirectoryThatIsAFileIsNamed() throws Exception {
    Path file = Files.writeString(elsewhere.resolve("work"), "");

    assertThatThrownBy(() -> EmbeddedKafka.builder().workDirectory(file).build().start())
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("workDirectory " + file + " cannot hold the broker's files: java.nio.file.");
  }

  @Test
  void portInUseIsNamedBeforeAnyJvmStarts() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      EmbeddedKafka kafka = EmbeddedKafka.builder().workDirectory(workDirectory)
          .controllerPort(taken.getLocalPort()).build();

      assertThatThrownBy(kafka::start)
          .isInstanceOf(IOException.class)
          .hasMessage("controllerPort %d on 127.0.0.1 is already in use", taken.getLocalPort());
    }
    assertThat(workDirectory.resolve("data")).doesNotExist();
  }

  @Test
  void aBrokerThatExitsEarlyReportsTheExitCodeAndTheReasonFromItsLog() throws Exception {
    // Data formatted for another node: Kafka refuses to start on it, after its JVM is up.
    formattedForNode(2);

    assertThatThrownBy(() -> EmbeddedKafka.builder().workDirectory(workDirectory).build().start())
        .isInstanceOf(IOException.class)
        .hasMessageMatching("(?s)Kafka in " + workDirectory + " exited with code 1 before answering on "
            + "127\\.0\\.0\\.1:\\d+.*")
        .hasMessageContaining("Last lines of " + workDirectory.resolve("logs").resolve("server.log"))
        .hasMessageContaining("Stored node id 2 doesn't match previous node id 1");
  }

  @Test
  void startupTimeoutStopsTheBroker() throws Exception {
    formattedForNode(1); // skips the format run: the broker never gets far enough to read the data

    EmbeddedKafka kafka = EmbeddedKafka.builder().workDirectory(workDirectory)
        .startupTimeout(Duration.ofMillis(1)).build();

    assertThatThrownBy(kafka::start)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("did not answer on 127.0.0.1:")
        .hasMessageContaining("within startupTimeout PT0.001S");
  }

  private void formattedForNode(int nodeId) throws IOException {
    Path data = Files.createDirectories(workDirectory.resolve("data"));
    Files.writeString(data.resolve("meta.properties"),
        "version=1\ncluster.id=" + ClusterId.random() + "\nnode.id=" + nodeId + "\n");
  }
}

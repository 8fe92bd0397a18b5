package io.tailkeep.store.cassandra.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerClasspathTest {

  @TempDir
  Path directory;

  @Test
  void aCompletedResolutionIsReusedWithoutMaven() throws Exception {
    Path lib = Files.createDirectories(directory.resolve("lib"));
    Files.writeString(lib.resolve(".resolved"), ServerClasspath.VERSION);

    assertThat(ServerClasspath.resolve(directory)).isEqualTo(lib);
    assertThat(directory.resolve("pom.xml")).doesNotExist();
  }

  @Test
  void mavenFailureReportsTheCommandAndItsOutput() throws Exception {
    Path mavenHome = directory.resolve("fake-maven");
    Path mvn = Files.createDirectories(mavenHome.resolve("bin")).resolve("mvn");
    Files.writeString(mvn, "#!/bin/sh\necho 'Could not resolve org.apache.cassandra:cassandra-all'\nexit 3\n");
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwx------"));
    Path classpath = directory.resolve("classpath");
    // Left over from another version: must not count as resolved.
    Files.createDirectories(classpath.resolve("lib"));
    Files.writeString(classpath.resolve("lib").resolve(".resolved"), "4.1.0");

    String previous = System.setProperty("maven.home", mavenHome.toString());
    try {
      assertThatThrownBy(() -> ServerClasspath.resolve(classpath))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("Maven failed (exit 3) to resolve Cassandra " + ServerClasspath.VERSION)
          .hasMessageContaining(mvn + " -B -q -f " + classpath.resolve("pom.xml")
              + " dependency:copy-dependencies -DoutputDirectory=" + classpath.resolve("lib"))
          .hasMessageContaining("Could not resolve org.apache.cassandra:cassandra-all");
    } finally {
      if (previous == null) {
        System.clearProperty("maven.home");
      } else {
        System.setProperty("maven.home", previous);
      }
    }
    assertThat(classpath.resolve("pom.xml")).content().contains("<artifactId>cassandra-all</artifactId>");
    assertThat(classpath.resolve("lib").resolve(".resolved")).doesNotExist();
  }
}

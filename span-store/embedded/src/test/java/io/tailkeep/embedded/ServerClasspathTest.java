package io.tailkeep.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerClasspathTest {

  private static final URL POM = ServerClasspathTest.class.getResource("example-server-pom.xml");

  @TempDir
  Path directory;

  private final ServerClasspath example = new ServerClasspath("Example", "1.2.3", POM, "example-1.2.3");

  @Test
  void versionComesFromThePomsDependency() {
    assertThat(ServerClasspath.versionIn(POM, "example-server")).isEqualTo("1.2.3");
    assertThatThrownBy(() -> ServerClasspath.versionIn(POM, "other-server"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("No filtered other-server version in ")
        .hasMessageEndingWith("example-server-pom.xml");
    assertThatThrownBy(() -> ServerClasspath.versionIn(null, "example-server"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("The pom that pins example-server is missing from the classpath");
  }

  @Test
  void defaultDirectoryIsTheCacheFolderUnderTheUsersCache() {
    assertThat(example.defaultDirectory())
        .isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "tailkeep", "example-1.2.3"));
    assertThat(example.serverName()).isEqualTo("Example");
    assertThat(example.version()).isEqualTo("1.2.3");
  }

  @Test
  void settingsAreChecked() {
    assertThatThrownBy(() -> new ServerClasspath("Example", "1.2.3", null, "example"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("The pom that resolves Example is missing from the classpath");
    assertThatThrownBy(() -> new ServerClasspath(" ", "1.2.3", POM, "example"))
        .hasMessage("serverName must not be blank: ' '");
    assertThatThrownBy(() -> new ServerClasspath("Example", "", POM, "example"))
        .hasMessage("version must not be blank: ''");
    assertThatThrownBy(() -> new ServerClasspath("Example", "1.2.3", POM, "../example"))
        .hasMessage("cacheFolderName must be a plain folder name: ../example");
  }

  @Test
  void aCompletedResolutionIsReusedWithoutMaven() throws Exception {
    Path lib = Files.createDirectories(directory.resolve("lib"));
    Files.writeString(lib.resolve(".resolved"), "1.2.3");

    assertThat(example.resolve(directory)).isEqualTo(lib);
    assertThat(directory.resolve("pom.xml")).doesNotExist();
  }

  @Test
  void aDirectoryThatCannotBeCreatedIsNamed() throws Exception {
    Path file = Files.writeString(directory.resolve("a-file"), "");

    assertThatThrownBy(() -> example.resolve(file.resolve("cache")))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("Cannot use " + file.resolve("cache") + " for Example's jars: java.nio.file.");
  }

  @Test
  void mavenFailureReportsTheCommandAndItsOutput() throws Exception {
    Path mavenHome = directory.resolve("fake-maven");
    Path mvn = Files.createDirectories(mavenHome.resolve("bin")).resolve("mvn");
    Files.writeString(mvn, "#!/bin/sh\necho 'Could not resolve org.example:example-server'\nexit 3\n");
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwx------"));
    Path classpath = directory.resolve("classpath");
    // Left over from another version: must not count as resolved.
    Files.createDirectories(classpath.resolve("lib"));
    Files.writeString(classpath.resolve("lib").resolve(".resolved"), "1.2.2");

    String previous = System.setProperty("maven.home", mavenHome.toString());
    try {
      assertThatThrownBy(() -> example.resolve(classpath))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("Maven failed (exit 3) to resolve Example 1.2.3")
          .hasMessageContaining(mvn + " -B -q -f " + classpath.resolve("pom.xml")
              + " dependency:copy-dependencies -DoutputDirectory=" + classpath.resolve("lib"))
          .hasMessageContaining("Could not resolve org.example:example-server");
    } finally {
      if (previous == null) {
        System.clearProperty("maven.home");
      } else {
        System.setProperty("maven.home", previous);
      }
    }
    assertThat(classpath.resolve("pom.xml")).content().contains("<artifactId>example-server</artifactId>");
    assertThat(classpath.resolve("lib").resolve(".resolved")).doesNotExist();
  }
}

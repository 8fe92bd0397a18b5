package io.tailkeep.store.cassandra.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cassandra server's jars, resolved by Maven into {@code <directory>/lib} once and reused. The server is a
 * separate JVM because its Netty and Guava clash with the driver's; so its jars never join Tailkeep's classpath.
 */
final class ServerClasspath {

  private static final Logger LOG = LoggerFactory.getLogger(ServerClasspath.class);

  static final String POM_RESOURCE = "pom.xml"; // beside this class, filtered by the span-store build
  static final String VERSION = serverVersion();
  private static final String MARKER = ".resolved";
  private static final long MAVEN_TIMEOUT_MINUTES = 15;
  private static final int OUTPUT_TAIL_LINES = 40;

  private ServerClasspath() {}

  static Path defaultDirectory() {
    return Path.of(System.getProperty("user.home"), ".cache", "tailkeep", "cassandra-" + VERSION);
  }

  /**
   * Returns {@code <directory>/lib}, running Maven first unless a previous run completed. A file lock makes a
   * second JVM wait for the first one's resolution instead of racing it; the monitor does the same for threads
   * of this JVM, which the file lock does not cover.
   */
  static synchronized Path resolve(Path directory) throws IOException, InterruptedException {
    Path lib = directory.resolve("lib");
    Files.createDirectories(directory);
    try (FileChannel lockFile = FileChannel.open(directory.resolve(".lock"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      lockFile.lock(); // released when the channel closes
      if (isComplete(lib)) {
        return lib;
      }
      LOG.info("Resolving Cassandra {} into {} with Maven (once per directory)", VERSION, lib);
      deleteJars(lib);
      Files.createDirectories(lib);
      Path pom = directory.resolve("pom.xml");
      Files.write(pom, pomBytes());
      runMaven(directory, pom, lib);
      Files.writeString(lib.resolve(MARKER), VERSION);
      return lib;
    }
  }

  /** The marker names the version, so a folder holding another version's jars is resolved again. */
  private static boolean isComplete(Path lib) throws IOException {
    Path marker = lib.resolve(MARKER);
    return Files.isRegularFile(marker) && Files.readString(marker).strip().equals(VERSION);
  }

  private static void runMaven(Path directory, Path pom, Path lib) throws IOException, InterruptedException {
    List<String> command = List.of(mavenExecutable(), "-B", "-q", "-f", pom.toString(),
        "dependency:copy-dependencies", "-DoutputDirectory=" + lib, "-DincludeScope=runtime");
    Path output = directory.resolve("mvn.log");
    Process maven = new ProcessBuilder(command)
        .directory(directory.toFile())
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .start();
    maven.getOutputStream().close();
    if (!maven.waitFor(MAVEN_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      maven.destroyForcibly().waitFor();
      throw new IOException("Maven did not resolve Cassandra " + VERSION + " within " + MAVEN_TIMEOUT_MINUTES
          + " minutes: " + String.join(" ", command) + tail(output));
    }
    if (maven.exitValue() != 0) {
      throw new IOException("Maven failed (exit " + maven.exitValue() + ") to resolve Cassandra " + VERSION
          + ": " + String.join(" ", command) + tail(output));
    }
  }

  private static String tail(Path output) {
    return System.lineSeparator() + "Last lines of " + output + ":" + System.lineSeparator()
        + LogTail.of(output, OUTPUT_TAIL_LINES);
  }

  /** System property maven.home (surefire passes it), then MAVEN_HOME, then mvn on the PATH. */
  static String mavenExecutable() {
    String home = System.getProperty("maven.home");
    if (home == null || home.isBlank()) {
      home = System.getenv("MAVEN_HOME");
    }
    if (home != null && !home.isBlank()) {
      Path mvn = Path.of(home, "bin", "mvn");
      if (Files.isExecutable(mvn)) {
        return mvn.toString();
      }
    }
    return "mvn";
  }

  private static void deleteJars(Path lib) throws IOException {
    if (!Files.isDirectory(lib)) {
      return;
    }
    try (Stream<Path> files = Files.list(lib)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(file);
      }
    }
  }

  private static byte[] pomBytes() {
    try (InputStream in = ServerClasspath.class.getResourceAsStream(POM_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Missing classpath resource " + POM_RESOURCE + " beside "
            + ServerClasspath.class.getName() + "; the span-store build copies it from src/main/cassandra-node");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The cassandra-all version the filtered pom pins; one source of truth with the parent pom. */
  private static String serverVersion() {
    String pom = new String(pomBytes(), StandardCharsets.UTF_8);
    Matcher version = Pattern.compile(
        "<artifactId>cassandra-all</artifactId>\\s*<version>([^<$]+)</version>").matcher(pom);
    if (!version.find()) {
      throw new IllegalStateException("No filtered cassandra-all version in resource " + POM_RESOURCE);
    }
    return version.group(1).strip();
  }

  /** Where this package's classes live (target/classes or the span-store jar): the child needs the wrapper. */
  static Path wrapperLocation() {
    try {
      return Path.of(CassandraWithParentWatch.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("Cannot locate " + CassandraWithParentWatch.class.getName(), e);
    }
  }
}

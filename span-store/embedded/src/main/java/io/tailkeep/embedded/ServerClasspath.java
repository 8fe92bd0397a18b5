package io.tailkeep.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
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
 * A server's jars, resolved by Maven into {@code <directory>/lib} once and reused. Servers run as separate JVMs
 * because their libraries (Netty, Guava, Scala, ...) clash with Tailkeep's; so their jars never join Tailkeep's
 * classpath. What to resolve is a small standalone pom shipped as a resource by the launcher's build, with the
 * server's version filtered in from the parent pom.
 *
 * <pre>{@code
 * URL pom = EmbeddedKafka.class.getResource("pom.xml");
 * String version = ServerClasspath.versionIn(pom, "kafka_2.13");
 * ServerClasspath kafka = new ServerClasspath("Kafka", version, pom, "kafka-" + version);
 * Path lib = kafka.resolve(kafka.defaultDirectory());
 * }</pre>
 */
public final class ServerClasspath {

  private static final Logger LOG = LoggerFactory.getLogger(ServerClasspath.class);

  private static final String MARKER = ".resolved";
  private static final long MAVEN_TIMEOUT_MINUTES = 15;
  private static final int OUTPUT_TAIL_LINES = 40;
  // One resolution at a time in this JVM; the file lock covers other JVMs, not threads of this one.
  private static final Object RESOLVING = new Object();

  private final String serverName;
  private final String version;
  private final URL pom;
  private final String cacheFolderName;

  /**
   * @param serverName what error messages call the server, e.g. {@code Cassandra}
   * @param version the version the pom pins; a folder resolved for another version is resolved again
   * @param pom the standalone pom to resolve, usually a classpath resource beside the launcher
   * @param cacheFolderName the folder under {@code ~/.cache/tailkeep/} of {@link #defaultDirectory()}
   */
  public ServerClasspath(String serverName, String version, URL pom, String cacheFolderName) {
    requireText("serverName", serverName);
    requireText("version", version);
    requireText("cacheFolderName", cacheFolderName);
    if (pom == null) {
      throw new IllegalArgumentException("The pom that resolves " + serverName + " is missing from the classpath");
    }
    if (cacheFolderName.contains("/") || cacheFolderName.contains("\\") || cacheFolderName.startsWith(".")) {
      throw new IllegalArgumentException("cacheFolderName must be a plain folder name: " + cacheFolderName);
    }
    this.serverName = serverName;
    this.version = version;
    this.pom = pom;
    this.cacheFolderName = cacheFolderName;
  }

  /**
   * The version a filtered pom gives the dependency {@code artifactId}: the build filters it in from the parent
   * pom, so the parent pom stays the one place that names it.
   */
  public static String versionIn(URL pom, String artifactId) {
    if (pom == null) {
      throw new IllegalStateException("The pom that pins " + artifactId + " is missing from the classpath");
    }
    String text = new String(read(pom), StandardCharsets.UTF_8);
    Matcher version = Pattern.compile(
        "<artifactId>" + Pattern.quote(artifactId) + "</artifactId>\\s*<version>([^<$]+)</version>").matcher(text);
    if (!version.find()) {
      throw new IllegalStateException("No filtered " + artifactId + " version in " + pom);
    }
    return version.group(1).strip();
  }

  public String serverName() {
    return serverName;
  }

  public String version() {
    return version;
  }

  /** {@code ~/.cache/tailkeep/<cacheFolderName>}: shared by every work tree and test run of this user. */
  public Path defaultDirectory() {
    return Path.of(System.getProperty("user.home"), ".cache", "tailkeep", cacheFolderName);
  }

  /**
   * Returns {@code <directory>/lib}, running Maven first unless a previous run completed. A file lock makes a
   * second JVM wait for the first one's resolution instead of racing it.
   */
  public Path resolve(Path directory) throws IOException, InterruptedException {
    synchronized (RESOLVING) {
      Path lib = directory.resolve("lib");
      try {
        Files.createDirectories(directory);
      } catch (IOException e) {
        throw new IOException("Cannot use " + directory + " for " + serverName + "'s jars: " + e, e);
      }
      try (FileChannel lockFile = FileChannel.open(directory.resolve(".lock"),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        lockFile.lock(); // released when the channel closes
        if (isComplete(lib)) {
          return lib;
        }
        LOG.info("Resolving {} {} into {} with Maven (once per directory)", serverName, version, lib);
        deleteJars(lib);
        Files.createDirectories(lib);
        Path pomFile = directory.resolve("pom.xml");
        Files.write(pomFile, read(pom));
        runMaven(directory, pomFile, lib);
        Files.writeString(lib.resolve(MARKER), version);
        return lib;
      }
    }
  }

  /** The marker names the version, so a folder holding another version's jars is resolved again. */
  private boolean isComplete(Path lib) throws IOException {
    Path marker = lib.resolve(MARKER);
    return Files.isRegularFile(marker) && Files.readString(marker).strip().equals(version);
  }

  private void runMaven(Path directory, Path pomFile, Path lib) throws IOException, InterruptedException {
    List<String> command = List.of(mavenExecutable(), "-B", "-q", "-f", pomFile.toString(),
        "dependency:copy-dependencies", "-DoutputDirectory=" + lib, "-DincludeScope=runtime");
    Path output = directory.resolve("mvn.log");
    Process maven;
    try {
      maven = new ProcessBuilder(command)
          .directory(directory.toFile())
          .redirectErrorStream(true)
          .redirectOutput(output.toFile())
          .start();
    } catch (IOException e) {
      throw new IOException("Could not run Maven to resolve " + serverName + " " + version + " ("
          + String.join(" ", command) + "): " + e.getMessage()
          + "; set the maven.home system property or MAVEN_HOME, or put mvn on the PATH", e);
    }
    maven.getOutputStream().close();
    if (!maven.waitFor(MAVEN_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      maven.destroyForcibly().waitFor();
      throw new IOException("Maven did not resolve " + serverName + " " + version + " within "
          + MAVEN_TIMEOUT_MINUTES + " minutes: " + String.join(" ", command) + tail(output));
    }
    if (maven.exitValue() != 0) {
      throw new IOException("Maven failed (exit " + maven.exitValue() + ") to resolve " + serverName + " "
          + version + ": " + String.join(" ", command) + tail(output));
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

  private static byte[] read(URL resource) {
    try (InputStream in = resource.openStream()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + resource, e);
    }
  }

  private static void requireText(String setting, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(setting + " must not be blank: '" + value + "'");
    }
  }

  @Override
  public String toString() {
    return "ServerClasspath{" + serverName + " " + version + ", pom=" + pom + ", cacheFolder=" + cacheFolderName
        + "}";
  }
}

package io.tailkeep.deploy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The packaged distribution ({@code deploy/target/tailkeep-deploy-*.jar} + {@code lib/}), what {@code ./tailkeep} runs. */
final class Distribution {

  private Distribution() {}

  /** The classpath of {@code ./tailkeep}: the distribution jar and every jar in {@code lib/}. */
  static String classpath() {
    return jar() + File.pathSeparator + Path.of("target", "lib").toAbsolutePath() + File.separator + "*";
  }

  private static String jar() {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      return files
          .map(path -> path.toAbsolutePath().toString())
          .filter(name -> name.matches(".*tailkeep-deploy-[^/]*\\.jar") && !name.endsWith("-tests.jar"))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no packaged jar in deploy/target: run mvn verify"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.tailkeep.embedded;

import java.nio.file.Path;
import java.util.regex.Pattern;

/** The checks both launchers' builders make, with messages that name the setting and the value. */
public final class LaunchSettings {

  /** A port setting of 0: a free port is chosen at each start. */
  public static final int ANY_FREE_PORT = 0;
  private static final int MAX_PORT = 65_535;
  private static final Pattern HEAP_SIZE = Pattern.compile("[1-9][0-9]*[kKmMgG]?");

  private LaunchSettings() {}

  public static Path absolute(String setting, Path dir) {
    requireArgument(dir != null, "%s must not be null", setting);
    requireArgument(dir.isAbsolute(), "%s must be an absolute path: %s", setting, dir);
    return dir.normalize();
  }

  public static int port(String setting, int port) {
    requireArgument(port >= 0 && port <= MAX_PORT,
        "%s must be between 0 (any free port) and %s: %s", setting, MAX_PORT, port);
    return port;
  }

  /** A heap size in -Xmx syntax, such as {@code 512m}. */
  public static String heapSize(String setting, String size) {
    requireArgument(size != null && HEAP_SIZE.matcher(size).matches(),
        "%s must be a size like 512m or 1g: %s", setting, size);
    return size;
  }

  public static void requireArgument(boolean valid, String template, Object... values) {
    if (!valid) {
      throw new IllegalArgumentException(String.format(template, values));
    }
  }
}

package io.tailkeep.units;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way sizes in bytes are written in Tailkeep: a whole number, optionally followed (with or
 * without spaces) by a unit: {@code B}, the binary {@code KiB}, {@code MiB}, {@code GiB} (1024,
 * 1024², 1024³) or the decimal {@code KB}, {@code MB}, {@code GB} (1000, 1000², 1000³), spelled in
 * exactly that case: {@code 4MiB}, {@code 512 KiB}, {@code 1000}. No fractions, no sign; the value
 * must fit in a {@code long}.
 */
public final class SizeSyntax {

  /** The units, for messages. */
  public static final String UNITS = "B, KiB, MiB, GiB, KB, MB, GB";

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|KB|MB|GB)?");
  private static final Map<String, Long> BYTES_PER_UNIT =
      Map.of(
          "B", 1L,
          "KiB", 1L << 10,
          "MiB", 1L << 20,
          "GiB", 1L << 30,
          "KB", 1_000L,
          "MB", 1_000_000L,
          "GB", 1_000_000_000L);

  private SizeSyntax() {}

  /**
   * Reads {@code text} as a whole.
   *
   * @throws IllegalArgumentException saying what is wrong (completing a sentence that starts with
   *     what was being read), without naming it
   */
  public static long parseBytes(String text) {
    Matcher matcher = text == null ? null : SIZE.matcher(text);
    if (matcher == null || !matcher.matches()) {
      throw new IllegalArgumentException(
          "is not a size; expected a whole number and optionally a unit (" + UNITS
              + "), e.g. 512MiB");
    }
    String unit = matcher.group(2) == null ? "B" : matcher.group(2);
    try {
      return Math.multiplyExact(Long.parseLong(matcher.group(1)), BYTES_PER_UNIT.get(unit));
    } catch (ArithmeticException | NumberFormatException tooLarge) {
      throw new IllegalArgumentException(
          "is too large; the largest size is " + Long.MAX_VALUE + " bytes");
    }
  }
}

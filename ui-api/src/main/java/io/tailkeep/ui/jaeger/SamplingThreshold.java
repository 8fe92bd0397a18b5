package io.tailkeep.ui.jaeger;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A kept trace's probability written into its spans' W3C {@code tracestate} as OpenTelemetry's
 * sampling threshold ({@code ot=th:...}, OTEP 235), so tools downstream can extrapolate: the
 * threshold {@code T = (1 - p) × 2^56}, 14 hex digits with trailing zeros left out ({@code th:0}
 * for a trace kept whole), and the adjusted count is {@code 2^56 / (2^56 - T) = 1 / p}.
 *
 * <p>Tailkeep draws its percentages on a hash of the trace ID, not on its low 56 bits, so the
 * threshold states the probability the trace was kept with, not that a consistent sampler
 * comparing it with the trace ID's randomness would have decided the same.
 */
final class SamplingThreshold {

  private static final double TWO_TO_56 = 0x1p56;
  private static final long MAX_THRESHOLD = (1L << 56) - 1;

  private SamplingThreshold() {}

  /** The {@code th} value for a trace kept with probability {@code p} in (0, 1]. */
  static String threshold(double p) {
    // 2^56 - p × 2^56 in integers: computing 1 - p in doubles first would round away low digits.
    long t = Math.max(0, Math.min(MAX_THRESHOLD, (1L << 56) - Math.round(p * TWO_TO_56)));
    String hex = String.format(Locale.ROOT, "%014x", t);
    int end = hex.length();
    while (end > 1 && hex.charAt(end - 1) == '0') {
      end--;
    }
    return hex.substring(0, end);
  }

  /**
   * {@code tracestate} with {@code th} set in its {@code ot} member, which moves first as the
   * W3C rules for an updated member say; other {@code ot} sub-keys and other members keep their
   * order.
   */
  static String withThreshold(String tracestate, double p) {
    String th = "th:" + threshold(p);
    List<String> others = new ArrayList<>();
    String ot = th;
    for (String member : tracestate.split(",")) {
      String trimmed = member.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (trimmed.startsWith("ot=")) {
        StringBuilder value = new StringBuilder(th);
        for (String field : trimmed.substring(3).split(";")) {
          if (!field.isEmpty() && !field.startsWith("th:")) {
            value.append(';').append(field);
          }
        }
        ot = value.toString();
      } else {
        others.add(trimmed);
      }
    }
    others.add(0, "ot=" + ot);
    return String.join(",", others);
  }
}

package io.tailkeep.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A Prometheus text scrape, parsed into samples so tests can look one up by name and labels. */
final class PrometheusScrape {

  record Sample(String name, Map<String, String> labels, double value) {}

  private final String text;
  private final List<Sample> samples;

  private PrometheusScrape(String text, List<Sample> samples) {
    this.text = text;
    this.samples = samples;
  }

  static PrometheusScrape parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      samples.add(sample(line.strip()));
    }
    return new PrometheusScrape(text, samples);
  }

  /**
   * The value of the one sample named {@code name} whose labels include {@code labels} (pairs of
   * key, value); fails if there is none or more than one.
   */
  double value(String name, String... labels) {
    List<Sample> matching = matching(name, labels);
    if (matching.size() != 1) {
      throw new AssertionError(
          "expected one sample " + name + " with labels " + List.of(labels) + ", found " + matching
              + " among " + matching(name));
    }
    return matching.get(0).value();
  }

  /** Whether any sample named {@code name} has these labels. */
  /** The sum over every sample of {@code name} with these labels (others may differ). */
  double sum(String name, String... labels) {
    return matching(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  boolean has(String name, String... labels) {
    return !matching(name, labels).isEmpty();
  }

  List<Sample> matching(String name, String... labels) {
    if (labels.length % 2 != 0) {
      throw new IllegalArgumentException("labels come in key, value pairs");
    }
    List<Sample> found = new ArrayList<>();
    for (Sample sample : samples) {
      if (!sample.name().equals(name)) {
        continue;
      }
      boolean all = true;
      for (int i = 0; i < labels.length; i += 2) {
        if (!labels[i + 1].equals(sample.labels().get(labels[i]))) {
          all = false;
          break;
        }
      }
      if (all) {
        found.add(sample);
      }
    }
    return found;
  }

  String text() {
    return text;
  }

  private static Sample sample(String line) {
    int brace = line.indexOf('{');
    int space = line.indexOf(' ');
    if (brace < 0 || brace > space) {
      return new Sample(line.substring(0, space), Map.of(), number(line.substring(space + 1)));
    }
    String name = line.substring(0, brace);
    Map<String, String> labels = new LinkedHashMap<>();
    int i = brace + 1;
    while (line.charAt(i) != '}') {
      int equals = line.indexOf('=', i);
      String key = line.substring(i, equals);
      StringBuilder value = new StringBuilder();
      int j = equals + 2; // past ="
      while (line.charAt(j) != '"') {
        char c = line.charAt(j);
        if (c == '\\') {
          char next = line.charAt(++j);
          value.append(next == 'n' ? '\n' : next);
        } else {
          value.append(c);
        }
        j++;
      }
      labels.put(key, value.toString());
      i = j + 1;
      if (line.charAt(i) == ',') {
        i++;
      }
    }
    return new Sample(name, labels, number(line.substring(i + 1).strip()));
  }

  private static double number(String text) {
    String value = text.split(" ")[0];
    return switch (value) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(value);
    };
  }
}

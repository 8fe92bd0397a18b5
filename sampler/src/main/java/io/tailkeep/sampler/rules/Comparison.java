package io.tailkeep.sampler.rules;

/** A numeric comparison of an observed value against a rule's threshold. */
enum Comparison {
  GT("gt"),
  GTE("gte"),
  LT("lt"),
  LTE("lte"),
  EQUALS("equals");

  final String yamlName;

  Comparison(String yamlName) {
    this.yamlName = yamlName;
  }

  /** Holds for {@code observed <op> threshold}. */
  boolean test(long observed, long threshold) {
    return holdsFor(Long.compare(observed, threshold));
  }

  boolean test(double observed, double threshold) {
    return holdsFor(Double.compare(observed, threshold));
  }

  /** True for lt and lte: "some span is shorter than" is answered by the shortest span. */
  boolean isUpperBound() {
    return this == LT || this == LTE;
  }

  private boolean holdsFor(int compared) {
    return switch (this) {
      case GT -> compared > 0;
      case GTE -> compared >= 0;
      case LT -> compared < 0;
      case LTE -> compared <= 0;
      case EQUALS -> compared == 0;
    };
  }

  static Comparison fromYamlName(String name) {
    for (Comparison comparison : values()) {
      if (comparison.yamlName.equals(name)) {
        return comparison;
      }
    }
    throw new IllegalArgumentException("not a comparison: " + name);
  }
}

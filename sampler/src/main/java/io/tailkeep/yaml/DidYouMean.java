package io.tailkeep.yaml;

import java.util.Collection;
import java.util.Optional;

/** The one "did you mean" rule for misspelt keys and words, in the rules file and the config. */
public final class DidYouMean {

  private DidYouMean() {}

  /**
   * The candidate most likely meant: the closest within two edits (fewer for short words), or one
   * that the given word extends or begins (three characters at least), e.g. percentage/percent.
   */
  public static Optional<String> closest(String given, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int distance = editDistance(given, candidate);
      boolean extension =
          Math.min(given.length(), candidate.length()) >= 3
              && (given.startsWith(candidate) || candidate.startsWith(given));
      boolean close = distance <= Math.min(2, candidate.length() / 2);
      if ((close || extension) && distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Levenshtein distance: the fewest single-character insertions, deletions or substitutions. */
  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}

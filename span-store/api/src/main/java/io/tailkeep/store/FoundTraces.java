package io.tailkeep.store;

import java.util.List;

/**
 * What a search found, and what the store could not search.
 *
 * @param traces the matching traces, as {@link SpanReader#findTraces} returns them
 * @param warnings sentences for the reader when the store narrowed the search to bound its work
 *     (say, to the newest hours of the window); empty when it searched everything asked
 */
public record FoundTraces(List<TraceSummary> traces, List<String> warnings) {
  public FoundTraces {
    traces = List.copyOf(traces);
    warnings = List.copyOf(warnings);
  }

  /** A search the store ran whole. */
  public static FoundTraces complete(List<TraceSummary> traces) {
    return new FoundTraces(traces, List.of());
  }
}

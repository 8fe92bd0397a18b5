package io.tailkeep.query;

import java.util.Locale;

/** Which calls a service's traffic figures count, as the traffic API names it ({@code measuredBy}). */
enum MeasuredBy {
  /** The requests the service served: its SERVER and CONSUMER spans. */
  SERVER,
  /** All its spans: a service that served nothing in the window (a batch job), or the spans a caller picked. */
  SPANS,
  /** The edges into it: a peer that sends no spans (a database). */
  EDGES;

  String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

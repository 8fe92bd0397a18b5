package io.tailkeep.sampler.rules;

import io.tailkeep.store.TraceId;

/**
 * Percent sampling that every node and every run agrees on: the trace ID alone picks a point in
 * [0, 1), and a trace is in an n % sample when that point is below n / 100. No salt per rule, so the
 * samples nest: a trace in a 1 % sample is also in every larger one.
 */
final class TraceIdSampling {

  private TraceIdSampling() {}

  static boolean inSample(TraceId traceId, double percent) {
    return pointOf(traceId) < percent / 100;
  }

  /**
   * The low 64 bits (the random part of W3C trace IDs) go through MurmurHash3's 64-bit finalizer
   * first, so IDs that are not random there (counters, hand-made test IDs) still spread evenly.
   */
  static double pointOf(TraceId traceId) {
    long h = traceId.low();
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (h >>> 11) * 0x1.0p-53;
  }
}

package io.tailkeep.sampler.rules;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * A traces-per-second limit: a bucket that refills at the rate and holds at most one second's worth
 * (at least one token), so short bursts pass and a sustained flood is cut to the rate.
 */
final class TokenBucket {

  private static final double NANOS_PER_SECOND = 1e9;

  private final double perSecond;
  private final double capacity;
  private final Ticker ticker;
  private double tokens;
  private long lastRefillNanos;

  TokenBucket(double perSecond, Ticker ticker) {
    if (!(perSecond > 0)) {
      throw new IllegalArgumentException("perSecond must be > 0, got " + perSecond);
    }
    this.perSecond = perSecond;
    this.capacity = Math.max(1, perSecond);
    this.ticker = ticker;
    this.tokens = capacity;
    this.lastRefillNanos = ticker.read();
  }

  /** Takes a token if one is there; decisions run on several threads, hence the lock. */
  synchronized boolean tryAcquire() {
    long now = ticker.read();
    long elapsed = now - lastRefillNanos;
    if (elapsed > 0) {
      tokens = Math.min(capacity, tokens + elapsed * perSecond / NANOS_PER_SECOND);
      lastRefillNanos = now;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}

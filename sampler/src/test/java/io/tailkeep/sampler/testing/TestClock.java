package io.tailkeep.sampler.testing;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time that moves only when the test moves it, both as a {@link Ticker} (nanoseconds, for timing)
 * and as a UTC {@link Clock} (wall time): one {@link #advance} moves the two together.
 */
public final class TestClock extends Clock implements Ticker {

  private static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");
  private static final long FIRST_NANOS = 1_000;

  private final Instant start;
  private final AtomicLong nanos = new AtomicLong(FIRST_NANOS);

  public TestClock() {
    this(DEFAULT_START);
  }

  /** Wall time starts at {@code start}. */
  public TestClock(Instant start) {
    this.start = start;
  }

  public void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }

  public void advanceMillis(long millis) {
    advance(Duration.ofMillis(millis));
  }

  @Override
  public long read() {
    return nanos.get();
  }

  @Override
  public Instant instant() {
    return start.plusNanos(nanos.get() - FIRST_NANOS);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a test clock stays in UTC");
  }
}

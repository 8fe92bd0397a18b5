package io.tailkeep.sampler.testing;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** Time that moves only when the test moves it. */
public final class FakeTicker implements Ticker {

  private final AtomicLong nanos = new AtomicLong(1_000);

  @Override
  public long read() {
    return nanos.get();
  }

  public void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }

  public void advanceMillis(long millis) {
    advance(Duration.ofMillis(millis));
  }
}

package io.tailkeep.store.cassandra;

import io.tailkeep.store.MinuteWindow;
import io.tailkeep.store.RuleCounts;
import io.tailkeep.store.SamplingCounts;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Rule counts on Cassandra: one row per (minute, node) in a partition per hour. A read asks each
 * hour of the window concurrently, through the in-flight limiter, and sums in memory.
 */
final class CassandraSamplingCounts implements SamplingCounts {
  private static final Duration HOUR = Duration.ofHours(1);

  private final InsertSamplingCounts insert;
  private final SelectSamplingCounts select;
  private final InFlightLimiter limiter;
  private final int ttlSeconds;

  CassandraSamplingCounts(Statements statements, InFlightLimiter limiter, int ttlSeconds) {
    this.insert = statements.insertSamplingCounts;
    this.select = statements.selectSamplingCounts;
    this.limiter = limiter;
    this.ttlSeconds = ttlSeconds;
  }

  @Override
  public CompletionStage<Void> write(String node, Instant minute, List<RuleCounts> counts) {
    SamplingCounts.checkWrite(node, minute, counts);
    List<RuleCounts> copy = List.copyOf(counts);
    return limiter.submit(() -> insert.execute(node, minute, copy, ttlSeconds)).thenApply(done -> null);
  }

  @Override
  public CompletionStage<List<RuleCounts>> read(Instant from, Instant to) {
    MinuteWindow window = MinuteWindow.of(from, to);
    List<CompletableFuture<List<RuleCounts>>> reads = new ArrayList<>();
    for (Instant hour = window.start().truncatedTo(ChronoUnit.HOURS);
        hour.isBefore(window.end());
        hour = hour.plus(HOUR)) {
      Instant partition = hour;
      reads.add(
          limiter.submit(() -> select.execute(partition, window.start(), window.end())).toCompletableFuture());
    }
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<RuleCounts> all = new ArrayList<>();
              reads.forEach(read -> all.addAll(read.join()));
              return RuleCounts.sumByRule(all);
            });
  }
}

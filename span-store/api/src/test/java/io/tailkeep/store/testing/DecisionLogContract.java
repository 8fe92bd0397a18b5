package io.tailkeep.store.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailkeep.store.DecisionLog;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.StoredDecision;
import io.tailkeep.store.TraceId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * What every store's {@link DecisionLog} must do; {@link SpanStoreContract} runs it. Each test uses
 * trace IDs of its own.
 */
public interface DecisionLogContract {
  /** Nanoseconds included: a decision reads back to the nanosecond. */
  Instant AT = Instant.parse("2025-03-04T05:06:07.123456789Z");

  SpanStore store();

  @Test
  default void decisionsReadBackAsWritten() {
    TraceId kept = newTraceId();
    TraceId dropped = newTraceId();
    TraceId byDefault = newTraceId();
    StoredDecision keep =
        new StoredDecision(kept, true, "keep-errors", 1.0, false, "ROOT_GRACE", "rules-3f2a", AT, "sampler-1", 12);
    StoredDecision drop =
        new StoredDecision(dropped, false, "baseline", 0.1, true, "IDLE_TIMEOUT", "rules-3f2a", AT.plusNanos(1),
            "sampler-2", 1);
    StoredDecision none =
        new StoredDecision(byDefault, false, "default", 0.0, false, "EVICTED", "rules-3f2b", AT.plusSeconds(1),
            "sämpler-3 ☃", 2_000);

    write(keep, drop, none);

    assertThat(read(kept, dropped, byDefault, newTraceId()))
        .isEqualTo(Map.of(kept, keep, dropped, drop, byDefault, none));
  }

  @Test
  default void tracesWithoutADecisionAreAbsent() {
    assertThat(read(newTraceId(), newTraceId())).isEmpty();
    assertThat(log().read(List.of()).toCompletableFuture().join()).isEmpty();
  }

  @Test
  default void writingADecisionAgainIsHarmless() {
    StoredDecision a = decision(newTraceId(), true, AT, "sampler-1");
    StoredDecision b = decision(newTraceId(), false, AT, "sampler-1");

    write(a, b);
    write(a, b);
    CompletableFuture.allOf(
            log().write(List.of(b)).toCompletableFuture(), log().write(List.of(b, a)).toCompletableFuture())
        .join();

    assertThat(read(a.traceId(), b.traceId())).isEqualTo(Map.of(a.traceId(), a, b.traceId(), b));
  }

  @Test
  default void aLaterDecisionNeverReplacesTheFirst() {
    TraceId traceId = newTraceId();
    StoredDecision first = decision(traceId, true, AT, "sampler-a");
    StoredDecision later = decision(traceId, false, AT.plusSeconds(30), "sampler-b");
    write(first);

    write(later);

    assertThat(read(traceId)).isEqualTo(Map.of(traceId, first));
    // both in one call
    TraceId other = newTraceId();
    StoredDecision otherFirst = decision(other, false, AT, "sampler-a");
    write(otherFirst, decision(other, true, AT.plusMillis(1), "sampler-a"));
    assertThat(read(other)).isEqualTo(Map.of(other, otherFirst));
  }

  /**
   * The first decided wins, not the first written: an old partition owner that decided before the
   * new one but wrote after it still holds the trace's decision on every node and replica.
   */
  @Test
  default void theFirstDecidedWinsWhateverTheOrderOfWrites() {
    TraceId traceId = newTraceId();
    StoredDecision earlier = decision(traceId, false, AT, "sampler-old");
    StoredDecision later = decision(traceId, true, AT.plusSeconds(45), "sampler-new");
    write(later);
    assertThat(read(traceId)).isEqualTo(Map.of(traceId, later));

    write(earlier);
    write(later); // a retry of the later one

    assertThat(read(traceId)).isEqualTo(Map.of(traceId, earlier));
    // at the same instant, the node that sorts first
    TraceId tie = newTraceId();
    StoredDecision byA = decision(tie, true, AT, "sampler-a");
    StoredDecision byB = decision(tie, false, AT, "sampler-b");
    write(byB);
    write(byA);
    write(byB);
    assertThat(read(tie)).isEqualTo(Map.of(tie, byA));
  }

  @Test
  default void readsHundredsOfTracesInOneCall() {
    List<StoredDecision> written = new ArrayList<>();
    Map<TraceId, StoredDecision> expected = new HashMap<>();
    for (int i = 0; i < 500; i++) {
      StoredDecision decision = decision(newTraceId(), i % 20 == 0, AT.plusMillis(i), "sampler-" + (i % 3));
      written.add(decision);
      expected.put(decision.traceId(), decision);
    }
    log().write(written).toCompletableFuture().join();
    List<TraceId> asked = new ArrayList<>(expected.keySet());
    for (int i = 0; i < 100; i++) {
      asked.add(newTraceId());
    }
    asked.addAll(asked.subList(0, 50)); // asked twice

    assertThat(log().read(asked).toCompletableFuture().join()).isEqualTo(expected);
  }

  @Test
  default void decisionLogRefusesBadInputAtTheCall() {
    StoredDecision valid = decision(newTraceId(), true, AT, "sampler-1");
    assertThatThrownBy(() -> log().write(null)).isInstanceOf(NullPointerException.class).hasMessage("decisions");
    assertThatThrownBy(() -> log().write(Arrays.asList(valid, null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("decisions must not hold null");
    assertThatThrownBy(() -> log().read(null)).isInstanceOf(NullPointerException.class).hasMessage("traceIds");
    assertThatThrownBy(() -> log().read(Arrays.asList(valid.traceId(), null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("traceIds must not hold null");
    assertThat(read(valid.traceId())).as("nothing of a refused write is stored").isEmpty();
  }

  private DecisionLog log() {
    return store().decisions();
  }

  private void write(StoredDecision... decisions) {
    log().write(List.of(decisions)).toCompletableFuture().join();
  }

  private Map<TraceId, StoredDecision> read(TraceId... traceIds) {
    return log().read(List.of(traceIds)).toCompletableFuture().join();
  }

  private static StoredDecision decision(TraceId traceId, boolean keep, Instant decidedAt, String node) {
    return new StoredDecision(
        traceId, keep, keep ? "keep-slow" : "baseline", keep ? 1.0 : 0.25, false, "ROOT_GRACE", "rules-1",
        decidedAt, node, 7);
  }

  private static TraceId newTraceId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return new TraceId(random.nextLong() | 1, random.nextLong());
  }
}

package io.tailkeep.sampler.reload;

import static io.tailkeep.store.testing.TestSpans.child;
import static io.tailkeep.store.testing.TestSpans.root;
import static io.tailkeep.store.testing.TestSpans.traceId;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.sampler.testing.TestClock;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.TraceId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reloader's consumer wired to a real buffer: buffered spans survive a reload. */
class ReloadIntoTraceBufferTest {

  private static final String ERRORS_ONLY = RulesReloaderTest.ERRORS_ONLY;

  private static final String ERRORS_AND_VIP_TENANT =
      """
      rules:
        - name: keep-errors
          conditions:
            - error: true
          keep: {}
        - name: keep-vip
          conditions:
            - attribute: {key: tenant, equals: vip}
          keep: {}
      """;

  @TempDir Path dir;

  private final TestClock ticker = new TestClock();
  private final TestClock clock = new TestClock(Instant.parse("2025-01-02T03:04:05Z"));
  private final List<SpanBatch> kept = new CopyOnWriteArrayList<>();

  @Test
  void bufferedSpansSurviveAReloadAndTheTraceIsDecidedByTheNewRules() throws Exception {
    Path file = Files.writeString(dir.resolve("rules.yaml"), ERRORS_ONLY, UTF_8);
    TraceBuffer[] holder = new TraceBuffer[1];
    RulesReloader reloader =
        RulesReloader.load(file, rules -> holder[0].replaceRules(rules), clock, ticker);
    TraceBuffer buffer =
        TraceBuffer.builder()
            .rules(reloader.current())
            .sink(kept::add)
            .ticker(ticker)
            .clock(clock)
            .executor(Runnable::run)
            .build();
    holder[0] = buffer;

    TraceId trace = traceId(42);
    buffer.offer(List.of(root(trace).build(), child(trace).attribute("tenant", "vip").build()));
    ticker.advanceMillis(500);

    Files.writeString(file, ERRORS_AND_VIP_TENANT, UTF_8);
    assertThat(reloader.checkNow()).isTrue();
    assertThat(buffer.rules()).isSameAs(reloader.current());
    assertThat(buffer.stats().bufferedSpans()).isEqualTo(2);
    assertThat(kept).isEmpty();

    buffer.offer(List.of(child(trace).build()));
    ticker.advanceMillis(2_000);
    buffer.decideDue();

    assertThat(kept).singleElement().satisfies(
        batch -> {
          assertThat(batch.traceId()).isEqualTo(trace);
          assertThat(batch.spans()).hasSize(3);
          assertThat(batch.sampling()).isEqualTo(new Sampling("keep-vip", 1.0));
        });
    assertThat(buffer.why(trace).orElseThrow().rule()).isEqualTo("keep-vip");
  }

  @Test
  void anInvalidFileLeavesTheBufferOnItsRules() throws Exception {
    Path file = Files.writeString(dir.resolve("rules.yaml"), ERRORS_ONLY, UTF_8);
    TraceBuffer[] holder = new TraceBuffer[1];
    RulesReloader reloader =
        RulesReloader.load(file, rules -> holder[0].replaceRules(rules), clock, ticker);
    TraceBuffer buffer =
        TraceBuffer.builder()
            .rules(reloader.current())
            .sink(kept::add)
            .ticker(ticker)
            .executor(Runnable::run)
            .build();
    holder[0] = buffer;
    TraceId trace = traceId(43);
    buffer.offer(List.of(root(trace).error().build()));

    Files.writeString(file, RulesReloaderTest.INVALID, UTF_8);
    assertThat(reloader.checkNow()).isFalse();
    ticker.advanceMillis(2_000);
    buffer.decideDue();

    assertThat(buffer.rules()).isSameAs(reloader.current());
    assertThat(buffer.stats().tracesKept("keep-errors")).isEqualTo(1);
  }
}

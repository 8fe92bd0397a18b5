package io.tailkeep.store.memory;

import static io.tailkeep.store.testing.TestSpans.attr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.tailkeep.store.IndexedTags;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.testing.SpanStoreContract;
import io.tailkeep.store.testing.TestSpans;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Comparator;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The contract in memory, plus the builder, the per-batch summary and closing. */
class InMemorySpanStoreTest extends SpanStoreContract {

  @Override
  protected SpanStore openStore() {
    return InMemorySpanStore.builder().build();
  }

  @Test
  void defaultsAreTheSharedTagIndexDefaults() {
    // the contract's store is built with the defaults
    assertThatThrownBy(() -> store.reader().findTraces(lastHours(1).tag("user.email", "a@b.c").build()))
        .hasMessage("tags: key 'user.email' is not indexed; indexed keys are "
            + IndexedTags.DEFAULT_KEYS.stream().sorted().toList());
    assertThatThrownBy(() -> store.reader().findTraces(
            lastHours(1).tag("http.route", "x".repeat(IndexedTags.DEFAULT_MAX_VALUE_LENGTH + 1)).build()))
        .hasMessage("tags: value of 'http.route' is longer than 256 characters, the longest indexed");
  }

  @Test
  void builderRejectsBadSettingsNamingThem() {
    assertThatThrownBy(() -> InMemorySpanStore.builder().maxTagValueLength(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid maxTagValueLength: 0");
    assertThatThrownBy(() -> InMemorySpanStore.builder().maxTagValueLength(4097).build())
        .hasMessage("invalid maxTagValueLength: 4097");
    assertThatThrownBy(() -> InMemorySpanStore.builder().indexedTagKeys(Set.of(" ")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid indexedTagKeys");
    Set<String> withNull = new HashSet<>();
    withNull.add(null);
    assertThatThrownBy(() -> InMemorySpanStore.builder().indexedTagKeys(withNull).build())
        .hasMessageStartingWith("invalid indexedTagKeys");
    assertThatThrownBy(() -> InMemorySpanStore.builder().indexedTagKeys(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("indexedTagKeys");
  }

  @Test
  void configuredTagSettingsDecideWhatIsSearchable() {
    try (InMemorySpanStore own =
        InMemorySpanStore.builder().indexedTagKeys(Set.of("team")).maxTagValueLength(5).build()) {
      TraceId traceId = spans.newTraceId();
      long start = TestSpans.nanos(hourAgo3.plusSeconds(1));
      own.writer().write(SpanBatch.of(spans.trace(traceId, "svc", "op", start, MS, 1,
          attr("team", "core"), attr("http.route", "/x")), null)).toCompletableFuture().join();
      TraceQuery.Builder window = TraceQuery.builder().window(hourAgo3, Instant.now());

      assertThat(own.reader().findTraces(window.tag("team", "core").build()).toCompletableFuture().join())
          .extracting(s -> s.traceId()).containsExactly(traceId);
      assertThatThrownBy(() -> own.reader().findTraces(TraceQuery.builder().window(hourAgo3, Instant.now())
              .tag("http.route", "/x").build()))
          .hasMessageContaining("'http.route' is not indexed; indexed keys are [team]");
      assertThatThrownBy(() -> own.reader().findTraces(TraceQuery.builder().window(hourAgo3, Instant.now())
              .tag("team", "platform").build()))
          .hasMessage("tags: value of 'team' is longer than 5 characters, the longest indexed");
    }
  }

  @Test
  void batchSummaryIndexesOnlyAllowListedScalarShortTags() {
    TraceId traceId = spans.newTraceId();
    KeyValue status = KeyValue.newBuilder().setKey("http.response.status_code")
        .setValue(AnyValue.newBuilder().setIntValue(503)).build();
    KeyValue array = KeyValue.newBuilder().setKey("rpc.method")
        .setValue(AnyValue.newBuilder().setArrayValue(
            ArrayValue.newBuilder().addValues(
                AnyValue.newBuilder().setStringValue("x")))).build();
    List<OtlpSpan> trace = spans.trace(traceId, "web", "GET /", 1_000, 500, 3,
        attr("http.route", "/"), attr("secret", "x"), attr("url.path", "y".repeat(300)), status, array);

    BatchContribution summary =
        BatchContribution.of(SpanBatch.of(trace, null), new IndexedTags(IndexedTags.DEFAULT_KEYS, 256));

    assertThat(summary.spanCount()).isEqualTo(3);
    // The root is a server span that answered 503: an error by the one definition (ErrorSpans).
    assertThat(summary.errorCount()).isEqualTo(1);
    assertThat(summary.startNanos()).isEqualTo(1_000);
    assertThat(summary.endNanos()).isEqualTo(1_500);
    assertThat(summary.root()).isEqualTo(new BatchContribution.SpanName("web", "GET /"));
    assertThat(summary.first()).isEqualTo(new BatchContribution.SpanName("web", "GET /"));
    assertThat(summary.services()).containsExactlyInAnyOrder("web", "web-dep");
    assertThat(summary.tags()).containsExactlyInAnyOrder(
        new IndexedTags.ServiceTag("web", "http.route", "/"),
        new IndexedTags.ServiceTag("web", "http.response.status_code", "503"));
  }

  @Test
  void batchSummaryOfLateSpansHasNoRootAndNamesTheEarliestSpan() {
    TraceId traceId = spans.newTraceId();
    List<OtlpSpan> trace = spans.trace(traceId, "web", "GET /", 1_000, 500, 4);

    BatchContribution late =
        BatchContribution.of(SpanBatch.of(trace.subList(1, 4), null), new IndexedTags(Set.of(), 10));

    OtlpSpan earliest = trace.subList(1, 4).stream()
        .min(Comparator.comparingLong(OtlpSpan::startEpochNanos)).orElseThrow();
    assertThat(late.root()).isNull();
    assertThat(late.first()).isEqualTo(new BatchContribution.SpanName("web-dep", earliest.name()));
    assertThat(late.spanCount()).isEqualTo(3);
  }

  @Test
  void aClosedStoreFailsEveryCall() {
    InMemorySpanStore closing = InMemorySpanStore.builder().build();
    TraceId traceId = spans.newTraceId();
    List<OtlpSpan> trace = spans.trace(traceId, "svc", "op", TestSpans.nanos(hourAgo3), MS, 2);
    closing.writer().write(SpanBatch.of(trace, null)).toCompletableFuture().join();

    closing.close();

    for (Supplier<CompletionStage<?>> call : List.<Supplier<CompletionStage<?>>>of(
        () -> closing.writer().write(SpanBatch.of(trace, null)),
        () -> closing.reader().getTrace(traceId),
        () -> closing.reader().findTraces(lastHours(4).build()),
        () -> closing.reader().getSummaries(List.of(traceId)),
        () -> closing.reader().getServices(),
        () -> closing.reader().getOperations("svc"),
        () -> closing.decisions().write(List.of()),
        () -> closing.decisions().read(List.of(traceId)),
        () -> closing.samplingCounts().write("node-1", hourAgo3, List.of()),
        () -> closing.samplingCounts().read(hourAgo3, hourAgo3.plusSeconds(60)))) {
      assertThatThrownBy(() -> call.get().toCompletableFuture().join())
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(IllegalStateException.class)
          .hasRootCauseMessage("the in-memory span store is closed");
    }
  }
}

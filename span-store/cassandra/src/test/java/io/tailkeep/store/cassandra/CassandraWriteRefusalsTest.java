package io.tailkeep.store.cassandra;

import static io.tailkeep.store.testing.TestSpans.attr;
import static io.tailkeep.store.testing.TestSpans.nanos;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.SyntaxError;
import io.tailkeep.store.BatchRejectedException;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.SpanId;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceSummary;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.testing.CassandraEndpoint;
import io.tailkeep.store.testing.TestCassandra;
import io.tailkeep.store.testing.TestSpans;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a Cassandra 5 node answers for writes it can never take, and the writer's {@link
 * BatchRejectedException} for them: the sampler's store queue sets such batches aside (or splits
 * them) instead of retrying them forever at the head of its queue.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CassandraWriteRefusalsTest {
  static final String KEYSPACE = "write_refusals_test";
  static final long MS = 1_000_000L;
  /** Over native_transport_max_message_size, 16 MiB by default. */
  static final int OVER_THE_LIMIT = 17 << 20;

  final TestSpans spans = new TestSpans(13);
  final Instant hourAgo2 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));
  CassandraEndpoint node;
  SpanStore store;
  CqlSession cql;

  @BeforeAll
  void open() {
    node = TestCassandra.shared();
    store =
        CassandraStorage.builder()
            .contactPoints(List.of(node.contactPoint()))
            .localDatacenter(node.localDatacenter())
            .keyspace(KEYSPACE)
            .build()
            .open();
    cql =
        CqlSession.builder()
            .addContactPoint(node.contactPoint())
            .withLocalDatacenter(node.localDatacenter())
            .build();
    cql.execute("CREATE TABLE IF NOT EXISTS " + KEYSPACE + ".refusals (k blob, c blob, v blob, PRIMARY KEY (k, c))");
  }

  @AfterAll
  void close() {
    if (cql != null) {
      cql.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void whatTheNodeAnswersForARequestTooLargeAKeyTooLongAndABadStatement() {
    PreparedStatement insert =
        cql.prepare("INSERT INTO " + KEYSPACE + ".refusals (k, c, v) VALUES (?, ?, ?)");

    Throwable tooLarge = catchThrowable(() -> cql.execute(insert.bind(blob(1), blob(1), blob(OVER_THE_LIMIT))));
    assertThat(tooLarge)
        .isInstanceOf(InvalidQueryException.class)
        .hasMessageMatching("CQL Message of size \\d+ bytes exceeds allowed maximum of 16777216 bytes");
    assertThat(WriteRefusals.classify(tooLarge, false))
        .isInstanceOfSatisfying(BatchRejectedException.class, refused -> {
          assertThat(refused.splittingMayHelp()).isFalse();
          assertThat(refused.reason()).startsWith("span too large: CQL Message of size");
        });
    assertThat(WriteRefusals.classify(new CompletionException(tooLarge), true))
        .isInstanceOfSatisfying(BatchRejectedException.class, refused -> {
          assertThat(refused.splittingMayHelp()).isTrue();
          assertThat(refused.reason()).startsWith("trace summary too large: ");
        });

    Throwable longKey = catchThrowable(() -> cql.execute(insert.bind(blob(70_000), blob(1), blob(1))));
    assertThat(longKey)
        .isInstanceOf(InvalidQueryException.class)
        .hasMessage("Key length of 70000 is longer than maximum of 65535");
    Throwable longClustering = catchThrowable(() -> cql.execute(insert.bind(blob(1), blob(70_000), blob(1))));
    assertThat(longClustering)
        .isInstanceOf(InvalidQueryException.class)
        .hasMessage("Key length of 70000 is longer than maximum of 65535");
    assertThat(WriteRefusals.classify(longKey, true))
        .isInstanceOfSatisfying(BatchRejectedException.class, refused -> {
          assertThat(refused.splittingMayHelp()).isFalse();
          assertThat(refused.reason()).isEqualTo("invalid request: Key length of 70000 is longer than maximum of 65535");
        });

    Throwable syntax = catchThrowable(() -> cql.execute("INSERT INTO " + KEYSPACE + ".refusals (k, c, v VALUES (0x01, 0x01, 0x01)"));
    assertThat(syntax).isInstanceOf(SyntaxError.class);
    assertThat(WriteRefusals.classify(syntax, false))
        .isInstanceOfSatisfying(BatchRejectedException.class, refused -> {
          assertThat(refused.splittingMayHelp()).isFalse();
          assertThat(refused.reason()).startsWith("invalid statement: line 1:");
        });

    Throwable noTable = catchThrowable(() -> cql.execute("INSERT INTO " + KEYSPACE + ".nope (k) VALUES (0x01)"));
    assertThat(WriteRefusals.classify(noTable, false))
        .isInstanceOfSatisfying(BatchRejectedException.class, refused ->
            assertThat(refused.reason()).isEqualTo("invalid request: table nope does not exist"));

    // The connection is still good after each refusal.
    cql.execute(insert.bind(blob(2), blob(2), blob(2)));
  }

  @Test
  void errorsThatCanPassAreLeftAsTheyAre() {
    RuntimeException timeout = new IllegalStateException("Query timed out after PT2S");
    assertThat(WriteRefusals.classify(timeout, true)).isSameAs(timeout);
  }

  @Test
  void aSpanOverTheLimitIsRefusedForGoodAndSplittingCannotHelp() {
    TraceId traceId = spans.newTraceId();
    long start = nanos(hourAgo2.plusSeconds(5));
    SpanId rootId = spans.newSpanId();
    OtlpSpan root = spans.span(traceId, rootId, null, unique("svc"), "root", start, 20 * MS);
    OtlpSpan huge =
        spans.span(traceId, spans.newSpanId(), rootId, unique("svc"), "huge", start + MS, 5 * MS,
            attr("payload", "x".repeat(OVER_THE_LIMIT)));

    Throwable refused = writeFailure(SpanBatch.of(List.of(root, huge), new Sampling("keep-errors", 1.0)));

    assertThat(refused).isInstanceOfSatisfying(BatchRejectedException.class, rejected -> {
      assertThat(rejected.splittingMayHelp()).isFalse();
      assertThat(rejected.reason()).matches("span too large: CQL Message of size \\d+ bytes exceeds allowed maximum of 16777216 bytes");
      assertThat(rejected.getCause()).isInstanceOf(InvalidQueryException.class);
    });
  }

  /**
   * A trace whose summary row alone is over the limit: 6 000 spans, each with a service and a name
   * of 1 KiB that are its own, so the summary's service and operation sets hold about 18 MiB. The
   * writer says splitting may help, and the halves, written as the store queue writes them, store
   * the whole trace with a summary that counts every span once.
   */
  @Test
  void aBatchWhoseSummaryIsOverTheLimitMayBeSplitAndItsHalvesStoreTheWholeTrace() {
    TraceId traceId = spans.newTraceId();
    long start = nanos(hourAgo2.plusSeconds(30));
    SpanId rootId = spans.newSpanId();
    String prefix = unique("wide");
    List<OtlpSpan> trace = new ArrayList<>();
    trace.add(spans.span(traceId, rootId, null, prefix + "-root", "root", start, 60 * MS));
    for (int i = 1; i < 6_000; i++) {
      trace.add(
          spans.span(traceId, spans.newSpanId(), rootId, kib(prefix + "-service-" + i),
              kib("SELECT " + i), start + i * 1_000L, MS));
    }
    Sampling sampling = new Sampling("keep-errors", 1.0);
    SpanBatch whole = SpanBatch.of(trace, sampling);

    Throwable refused = writeFailure(whole);
    assertThat(refused).isInstanceOfSatisfying(BatchRejectedException.class, rejected -> {
      assertThat(rejected.splittingMayHelp()).isTrue();
      assertThat(rejected.reason()).startsWith("trace summary too large: CQL Message of size");
    });

    List<WireSpan> all = whole.spans();
    int half = all.size() / 2;
    writeRetryingAsTheQueueDoes(SpanBatch.summarizing(all.subList(0, half), sampling));
    writeRetryingAsTheQueueDoes(SpanBatch.summarizing(all.subList(half, all.size()), sampling));

    Trace stored = store.reader().getTrace(traceId).toCompletableFuture().join().orElseThrow();
    assertThat(stored.spans()).hasSize(6_000);
    List<TraceSummary> found =
        store.reader()
            .findTraces(TraceQuery.builder().window(Instant.now().minus(Duration.ofHours(4)), Instant.now())
                .service(prefix + "-root").build())
            .toCompletableFuture().join();
    assertThat(found).singleElement().satisfies(summary -> {
      assertThat(summary.traceId()).isEqualTo(traceId);
      assertThat(summary.spanCount()).isEqualTo(6_000); // each span counted once
      assertThat(summary.rootOperation()).isEqualTo("root");
      assertThat(summary.sampling()).isEqualTo(sampling);
    });
  }

  @Test
  void aBatchWithinTheLimitsIsStoredAsBefore() {
    TraceId traceId = spans.newTraceId();
    List<OtlpSpan> trace = spans.trace(traceId, unique("svc"), "GET /orders", nanos(hourAgo2.plusSeconds(60)), 30 * MS, 5);
    write(SpanBatch.of(trace, new Sampling("keep-slow", 1.0)));
    assertThat(store.reader().getTrace(traceId).toCompletableFuture().join()).isPresent();
  }

  private Throwable writeFailure(SpanBatch batch) {
    Throwable failure = catchThrowable(() -> store.writer().write(batch).toCompletableFuture().join());
    assertThat(failure).isInstanceOf(CompletionException.class);
    return failure.getCause();
  }

  /**
   * A 9 MiB summary row may time out on a loaded test machine; the store queue retries such errors
   * (writes are idempotent), and so does this, while a refusal fails at once.
   */
  private void writeRetryingAsTheQueueDoes(SpanBatch batch) {
    for (int attempt = 1; ; attempt++) {
      Throwable failure = catchThrowable(() -> write(batch));
      if (failure == null) {
        return;
      }
      Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
      if (cause instanceof BatchRejectedException || attempt == 10) {
        throw new AssertionError("write failed on attempt " + attempt, failure);
      }
    }
  }

  private void write(SpanBatch batch) {
    store.writer().write(batch).toCompletableFuture().join();
  }

  /** {@code text} padded to 1 024 ASCII characters: the longest key the store keeps whole. */
  private static String kib(String text) {
    return text + "-" + "k".repeat(IndexKeys.MAX_UTF8_BYTES - text.length() - 1);
  }

  private static ByteBuffer blob(int size) {
    return ByteBuffer.wrap(new byte[size]);
  }

  private static String unique(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}

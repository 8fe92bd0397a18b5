package io.tailkeep.store.cassandra;

import io.tailkeep.store.IndexedTags;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.SpanWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Writes a batch as idempotent requests, each bounded by the in-flight limiter: the spans and the
 * summary chunk (all in the trace's partition) as unlogged batches of at most {@code maxBatchBytes}
 * of bound values each, then the index entries of the chunk, one insert each (each its own
 * partition). A batch Cassandra can never take fails with {@link
 * io.tailkeep.store.BatchRejectedException} ({@link WriteRefusals}).
 */
final class CassandraSpanWriter implements SpanWriter {
  /** The operation under which a trace is indexed for searches that name only the service. */
  static final String ANY_OPERATION = "";

  private final UnloggedBatch unloggedBatch;
  private final InsertSpan insertSpan;
  private final UpdateTraceSummary updateSummary;
  private final InsertTraceByStart insertByStart;
  private final InsertTraceByDuration insertByDuration;
  private final InsertTraceByTag insertByTag;
  private final InsertServiceName insertServiceName;
  private final InsertOperationName insertOperationName;
  private final InFlightLimiter limiter;
  private final NameCache names;
  private final IndexedTags tagPolicy;
  private final TimeBuckets buckets;
  private final int spanTtl;
  private final int indexTtl;
  private final int maxBatchBytes;

  CassandraSpanWriter(
      Statements statements,
      InFlightLimiter limiter,
      NameCache names,
      IndexedTags tagPolicy,
      TimeBuckets buckets,
      int spanTtlSeconds,
      int indexTtlSeconds,
      int maxBatchBytes) {
    this.unloggedBatch = statements.unloggedBatch;
    this.insertSpan = statements.insertSpan;
    this.updateSummary = statements.updateSummary;
    this.insertByStart = statements.insertByStart;
    this.insertByDuration = statements.insertByDuration;
    this.insertByTag = statements.insertByTag;
    this.insertServiceName = statements.insertServiceName;
    this.insertOperationName = statements.insertOperationName;
    this.limiter = limiter;
    this.names = names;
    this.tagPolicy = tagPolicy;
    this.buckets = buckets;
    this.spanTtl = spanTtlSeconds;
    this.indexTtl = indexTtlSeconds;
    this.maxBatchBytes = maxBatchBytes;
  }

  @Override
  public CompletionStage<Void> write(SpanBatch batch) {
    return write(TraceChunk.of(batch, tagPolicy), batch.sampling());
  }

  /** Writes an encoded chunk; {@code sampling} is null for spans that carry no decision. */
  CompletionStage<Void> write(TraceChunk chunk, Sampling sampling) {
    ByteBuffer traceId = ByteBuffer.wrap(chunk.traceId.toBytes());
    List<CompletableFuture<?>> writes = new ArrayList<>();

    // The summary row has the spans' partition key, so it rides in the first batch: one mutation
    // of two tables, one request less per trace (span-store/README.md).
    List<BoundStatement> partition = new ArrayList<>(chunk.spans.size() + 1);
    partition.add(updateSummary.bind(traceId, chunk, sampling, spanTtl));
    for (TraceChunk.EncodedSpan span : chunk.spans) {
      partition.add(insertSpan.bind(traceId, span, spanTtl));
    }
    for (List<BoundStatement> statements :
        UnloggedBatch.split(partition, UnloggedBatch::valueBytes, maxBatchBytes)) {
      writes.add(limited(() -> unloggedBatch.execute(statements)));
    }
    // The first request holds the summary row; see WriteRefusals.classify.
    int summaryRequest = 0;

    long bucket = buckets.bucketOf(chunk.startNanos);
    long start = chunk.startNanos;
    long duration = chunk.durationNanos();
    for (String service : chunk.services) {
      indexUnder(writes, service, ANY_OPERATION, bucket, start, duration, traceId);
      if (names.shouldWrite(service)) {
        writes.add(forgetOnFailure(service, limited(() -> insertServiceName.execute(service, indexTtl))));
      }
    }
    for (TraceChunk.ServiceOperation op : distinctNames(chunk)) {
      String service = op.service();
      String name = op.operation();
      indexUnder(writes, service, name, bucket, start, duration, traceId);
    }
    for (TraceChunk.ServiceOperation op : chunk.operations) {
      if (names.shouldWrite(op)) {
        writes.add(forgetOnFailure(op, limited(() -> insertOperationName.execute(op, indexTtl))));
      }
    }
    for (IndexedTags.ServiceTag tag : chunk.tags) {
      writes.add(limited(() -> insertByTag.execute(tag, bucket, start, traceId, indexTtl)));
    }
    CompletableFuture<?>[] all = writes.toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(all)
        .handle(
            (ignored, error) -> {
              if (error == null) {
                return null;
              }
              // Every request is done: tell the most telling failure, not whichever came first.
              List<Throwable> failures = new ArrayList<>();
              for (int i = 0; i < all.length; i++) {
                Throwable failure = failureOf(all[i]);
                if (failure != null) {
                  failures.add(WriteRefusals.classify(failure, i == summaryRequest));
                }
              }
              throw new CompletionException(WriteRefusals.mostTelling(failures));
            });
  }

  /** The error a completed future failed with; null if it succeeded. */
  private static Throwable failureOf(CompletableFuture<?> future) {
    if (!future.isCompletedExceptionally()) {
      return null;
    }
    try {
      future.join();
      return null;
    } catch (CompletionException | CancellationException e) {
      return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
  }

  private void indexUnder(
      List<CompletableFuture<?>> writes,
      String service,
      String operation,
      long bucket,
      long start,
      long duration,
      ByteBuffer traceId) {
    writes.add(
        limited(() -> insertByStart.execute(service, operation, bucket, start, traceId, indexTtl)));
    writes.add(
        limited(
            () ->
                insertByDuration.execute(
                    service, operation, bucket, duration, traceId, start, indexTtl)));
  }

  /** (service, name) pairs once each: the same name under two span kinds is one index entry. */
  private static List<TraceChunk.ServiceOperation> distinctNames(TraceChunk chunk) {
    List<TraceChunk.ServiceOperation> distinct = new ArrayList<>();
    Set<List<String>> seen = new HashSet<>();
    for (TraceChunk.ServiceOperation op : chunk.operations) {
      if (seen.add(List.of(op.service(), op.operation()))) {
        distinct.add(op);
      }
    }
    return distinct;
  }

  private <T> CompletableFuture<T> limited(Supplier<CompletionStage<T>> request) {
    return limiter.submit(request).toCompletableFuture();
  }

  private <T> CompletableFuture<T> forgetOnFailure(Object name, CompletableFuture<T> write) {
    return write.whenComplete(
        (ignored, error) -> {
          if (error != null) {
            names.forget(name);
          }
        });
  }
}

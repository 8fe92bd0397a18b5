package io.tailkeep.store.cassandra;

import io.tailkeep.store.IndexedTags;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.SpanWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Writes a batch as idempotent requests, each bounded by the in-flight limiter: the spans in
 * blocks ({@link SpanBlocks}), a request each, the first with the summary chunk (all in the
 * trace's partition); then the index and name rows of the chunk, through the {@link
 * PartitionBatcher}, which sends them in single-partition batches shared with the rows of other
 * batches written at the same time. A write completes when all its rows are stored. A batch
 * Cassandra can never take fails with {@link io.tailkeep.store.BatchRejectedException} ({@link
 * WriteRefusals}).
 */
final class CassandraSpanWriter implements SpanWriter {
  /** The operation under which a trace is indexed for searches that name only the service. */
  static final String ANY_OPERATION = "";

  /** traces_by_start and traces_by_duration share this partition key: their rows go together. */
  private record OperationPartition(String service, String operation, long bucket) {}

  private record TagPartition(IndexedTags.ServiceTag tag, long bucket) {}

  /** service_names and operation_names share this partition key. */
  private record NamePartition(String service) {}

  private final UnloggedBatch unloggedBatch;
  private final InsertSpanBlock insertSpanBlock;
  private final UpdateTraceSummary updateSummary;
  private final InsertTraceByStart insertByStart;
  private final InsertTraceByDuration insertByDuration;
  private final InsertTraceByTag insertByTag;
  private final InsertServiceName insertServiceName;
  private final InsertOperationName insertOperationName;
  private final InFlightLimiter limiter;
  private final PartitionBatcher indexRows;
  private final NameCache names;
  private final IndexedTags tagPolicy;
  private final TimeBuckets buckets;
  private final int spanTtl;
  private final int indexTtl;

  CassandraSpanWriter(
      Statements statements,
      InFlightLimiter limiter,
      PartitionBatcher indexRows,
      NameCache names,
      IndexedTags tagPolicy,
      TimeBuckets buckets,
      int spanTtlSeconds,
      int indexTtlSeconds) {
    this.unloggedBatch = statements.unloggedBatch;
    this.insertSpanBlock = statements.insertSpanBlock;
    this.updateSummary = statements.updateSummary;
    this.insertByStart = statements.insertByStart;
    this.insertByDuration = statements.insertByDuration;
    this.insertByTag = statements.insertByTag;
    this.insertServiceName = statements.insertServiceName;
    this.insertOperationName = statements.insertOperationName;
    this.limiter = limiter;
    this.indexRows = indexRows;
    this.names = names;
    this.tagPolicy = tagPolicy;
    this.buckets = buckets;
    this.spanTtl = spanTtlSeconds;
    this.indexTtl = indexTtlSeconds;
  }

  @Override
  public CompletionStage<Void> write(SpanBatch batch) {
    return write(TraceChunk.of(batch, tagPolicy), batch.sampling());
  }

  /** Writes an encoded chunk; {@code sampling} is null for spans that carry no decision. */
  CompletionStage<Void> write(TraceChunk chunk, Sampling sampling) {
    ByteBuffer traceId = ByteBuffer.wrap(chunk.traceId.toBytes());
    List<CompletableFuture<?>> writes = new ArrayList<>();

    // The summary row has the spans' partition key, so it rides with the first block: one
    // mutation of two tables, one request less per trace (span-store/README.md). Not with a block
    // over the bound, a span that large alone: if Cassandra refuses it, it refuses the span, not
    // the summary (WriteRefusals.classify).
    BoundStatement summary = updateSummary.bind(traceId, chunk, sampling, spanTtl);
    List<SpanBlocks.Block> blocks = chunk.blocks;
    boolean summaryAlone = blocks.get(0).bytes().length > SpanBlocks.MAX_BLOCK_BYTES;
    if (summaryAlone) {
      writes.add(limiter.submit(() -> unloggedBatch.execute(List.of(summary))).toCompletableFuture());
    }
    for (int i = 0; i < blocks.size(); i++) {
      BoundStatement block =
          insertSpanBlock.bind(traceId, chunk.id, blocks.get(i), i == 0 ? sampling : null, spanTtl);
      List<BoundStatement> request = i == 0 && !summaryAlone ? List.of(summary, block) : List.of(block);
      writes.add(limiter.submit(() -> unloggedBatch.execute(request)).toCompletableFuture());
    }
    // The first request holds the summary row; see WriteRefusals.classify.
    int summaryRequest = 0;

    long bucket = buckets.bucketOf(chunk.startNanos);
    long start = chunk.startNanos;
    long duration = chunk.durationNanos();
    for (String service : chunk.services) {
      writes.add(indexUnder(service, ANY_OPERATION, bucket, start, duration, traceId));
    }
    for (TraceChunk.ServiceOperation op : distinctNames(chunk)) {
      writes.add(indexUnder(op.service(), op.operation(), bucket, start, duration, traceId));
    }
    for (IndexedTags.ServiceTag tag : chunk.tags) {
      writes.add(
          indexRows.add(
              new TagPartition(tag, bucket),
              List.of(insertByTag.bind(tag, bucket, start, traceId, indexTtl))));
    }
    writeNames(chunk, writes);
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

  /**
   * The service and operation names not written lately, those of a service together (one
   * partition); a name whose write failed is forgotten, so a later batch writes it again.
   */
  private void writeNames(TraceChunk chunk, List<CompletableFuture<?>> writes) {
    Map<String, List<Object>> namesByService = new LinkedHashMap<>();
    for (String service : chunk.services) {
      if (names.shouldWrite(service)) {
        namesByService.computeIfAbsent(service, s -> new ArrayList<>()).add(service);
      }
    }
    for (TraceChunk.ServiceOperation op : chunk.operations) {
      if (names.shouldWrite(op)) {
        namesByService.computeIfAbsent(op.service(), s -> new ArrayList<>()).add(op);
      }
    }
    namesByService.forEach(
        (service, toWrite) -> {
          List<BoundStatement> statements = new ArrayList<>(toWrite.size());
          for (Object name : toWrite) {
            statements.add(
                name instanceof TraceChunk.ServiceOperation op
                    ? insertOperationName.bind(op, indexTtl)
                    : insertServiceName.bind(service, indexTtl));
          }
          writes.add(
              indexRows
                  .add(new NamePartition(service), statements)
                  .whenComplete(
                      (ignored, error) -> {
                        if (error != null) {
                          toWrite.forEach(names::forget);
                        }
                      }));
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

  /** The start and duration index rows: one partition, so they go in the same request. */
  private CompletableFuture<Void> indexUnder(
      String service, String operation, long bucket, long start, long duration, ByteBuffer traceId) {
    return indexRows.add(
        new OperationPartition(service, operation, bucket),
        List.of(
            insertByStart.bind(service, operation, bucket, start, traceId, indexTtl),
            insertByDuration.bind(service, operation, bucket, duration, traceId, start, indexTtl)));
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
}

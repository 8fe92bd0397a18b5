package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import io.tailkeep.store.AsyncFailure;
import io.tailkeep.store.BatchRejectedException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Coalesces rows that many writes send to the same partition into shared single-partition
 * unlogged batches. Index rows of concurrent traces land in a few partitions (a service, or a
 * service and span name, or a tag, in one time bucket), so a hundred traces' rows for {@code
 * frontend} in one hour become one request instead of a hundred.
 *
 * <p>Batching without a timer: a partition has at most one request waiting for the in-flight
 * limiter and, unless its rows fill a batch, at most one in flight. Rows that come while one is
 * waiting join it; rows that come while one is in flight go in the next, sent when it completes.
 * An idle partition sends at once, so a lone write waits no longer than before. A batch holds at
 * most {@code maxBatchBytes} of bound values; a partition whose rows fill batches faster sends
 * several at once.
 *
 * <p>Each {@link #add} answers for its own rows: complete when the request that carried them
 * succeeded, failed if it failed. A request refused for good ({@link WriteRefusals}) that carried
 * rows of several writes may have been refused for another write's rows, so each write's rows are
 * sent again alone and get their own answer.
 */
final class PartitionBatcher {
  private final Function<List<BoundStatement>, CompletionStage<?>> send;
  private final InFlightLimiter limiter;
  private final int maxBatchBytes;
  private final Map<Object, Partition> partitions = new HashMap<>();

  /**
   * @param send sends statements of one partition as one request ({@link UnloggedBatch#execute})
   */
  PartitionBatcher(
      Function<List<BoundStatement>, CompletionStage<?>> send, InFlightLimiter limiter, int maxBatchBytes) {
    this.send = send;
    this.limiter = limiter;
    this.maxBatchBytes = maxBatchBytes;
  }

  /** One write's rows for one partition: they go in the same request. */
  private record Rows(List<BoundStatement> statements, int bytes, CompletableFuture<Void> done) {}

  /** What waits for, and what is sent to, one partition. Guarded by the batcher's lock. */
  private static final class Partition {
    final ArrayDeque<Rows> open = new ArrayDeque<>();
    long openBytes;
    /** Requests handed to the limiter that have not started (taken their rows) yet: 0 or 1. */
    int waiting;
    int sending;

    boolean idle() {
      return open.isEmpty() && waiting == 0 && sending == 0;
    }
  }

  /**
   * Adds rows that all have the partition key {@code partition} (any value with equals and
   * hashCode naming the partition); completes when they are stored.
   */
  CompletableFuture<Void> add(Object partition, List<BoundStatement> statements) {
    int bytes = 0;
    for (BoundStatement statement : statements) {
      bytes += UnloggedBatch.valueBytes(statement);
    }
    Rows rows = new Rows(List.copyOf(statements), bytes, new CompletableFuture<>());
    Partition p;
    boolean submit;
    synchronized (this) {
      p = partitions.computeIfAbsent(partition, key -> new Partition());
      p.open.add(rows);
      p.openBytes += bytes;
      submit = p.waiting == 0 && (p.sending == 0 || p.openBytes >= maxBatchBytes);
      if (submit) {
        p.waiting++;
      }
    }
    if (submit) {
      submit(partition, p);
    }
    return rows.done;
  }

  /** Partitions with rows waiting or sent: for tests (none are left once every write is done). */
  synchronized int activePartitions() {
    return partitions.size();
  }

  private void submit(Object key, Partition p) {
    limiter.submit(() -> sendNext(key, p));
  }

  /** Runs when the limiter lets a request of the partition go: takes the rows that waited. */
  private CompletionStage<Void> sendNext(Object key, Partition p) {
    List<Rows> taken = new ArrayList<>();
    boolean another;
    synchronized (this) {
      p.waiting--;
      long bytes = 0;
      while (!p.open.isEmpty()
          && (taken.isEmpty() || bytes + p.open.peek().bytes() <= maxBatchBytes)) {
        Rows next = p.open.poll();
        taken.add(next);
        bytes += next.bytes();
      }
      p.openBytes -= bytes;
      if (taken.isEmpty()) {
        forgetIfIdle(key, p);
        return CompletableFuture.completedFuture(null);
      }
      p.sending++;
      // Rows enough for another full batch need not wait for this one.
      another = p.waiting == 0 && p.openBytes >= maxBatchBytes;
      if (another) {
        p.waiting++;
      }
    }
    if (another) {
      submit(key, p);
    }
    return sendRows(taken)
        .handle(
            (ignored, error) -> {
              sent(key, p);
              answer(taken, error);
              return null;
            });
  }

  private CompletionStage<?> sendRows(List<Rows> rows) {
    List<BoundStatement> statements = new ArrayList<>();
    for (Rows r : rows) {
      statements.addAll(r.statements());
    }
    try {
      return send.apply(statements);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** A request of the partition is done: what came meanwhile goes next. */
  private void sent(Object key, Partition p) {
    boolean submit;
    synchronized (this) {
      p.sending--;
      submit = !p.open.isEmpty() && p.waiting == 0 && p.sending == 0;
      if (submit) {
        p.waiting++;
      } else {
        forgetIfIdle(key, p);
      }
    }
    if (submit) {
      submit(key, p);
    }
  }

  private void forgetIfIdle(Object key, Partition p) {
    if (p.idle()) {
      partitions.remove(key, p);
    }
  }

  private void answer(List<Rows> taken, Throwable error) {
    if (error == null) {
      taken.forEach(rows -> rows.done().complete(null));
    } else if (taken.size() > 1
        && WriteRefusals.classify(error, false) instanceof BatchRejectedException) {
      for (Rows rows : taken) {
        limiter
            .submit(() -> sendRows(List.of(rows)))
            .whenComplete((ignored, alone) -> complete(rows, alone));
      }
    } else {
      taken.forEach(rows -> complete(rows, error));
    }
  }

  private static void complete(Rows rows, Throwable error) {
    if (error == null) {
      rows.done().complete(null);
    } else {
      rows.done().completeExceptionally(AsyncFailure.cause(error));
    }
  }
}

package io.tailkeep.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tailkeep.sampler.buffer.DecisionListener;
import io.tailkeep.sampler.buffer.DecisionReason;
import io.tailkeep.sampler.buffer.DecisionRecord;
import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.sampler.keptqueue.StoreQueue;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.StoredDecision;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.wire.ExportRequestScanner;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition of the spans topic on this node: its own trace buffer, and what its committed
 * offset must wait for. Worked by one consumer thread only; the writes it starts report back
 * through {@code onThread}, which runs their completions on that thread.
 *
 * <p>The committed offset never passes the first record of a trace that is undecided, or decided
 * and not yet settled: its decision row durable and, when kept, its spans durable too. A kept
 * trace's spans are written only after its decision row, so every stored trace has a decision.
 */
final class PartitionShard {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionShard.class);

  private final TopicPartition partition;
  private final TraceBuffer buffer;
  private final PartitionClock clock;
  private final StoreQueue store;
  private final String node;
  private final Consumer<Runnable> onThread;
  private final NodeCounters counters;
  private final DecisionListener onDecided;

  /** Buffered traces, by the offset of their first record. */
  private final Map<TraceId, Long> firstOffsets = new HashMap<>();
  /** Offsets the commit must not pass, with how many reasons each. */
  private final TreeMap<Long, Integer> holds = new TreeMap<>();
  /** Decided traces not yet settled. */
  private final Map<TraceId, Settlement> settling = new HashMap<>();
  /** Decision rows made since the last flush. */
  private final List<StoredDecision> unwritten = new ArrayList<>();
  private long position = -1;
  private long currentOffset;
  private boolean revoked;

  PartitionShard(
      TopicPartition partition,
      TraceBuffer.Builder bufferSettings,
      StoreQueue store,
      String node,
      Clock wall,
      Consumer<Runnable> onThread,
      NodeCounters counters,
      DecisionListener onDecided) {
    this.partition = partition;
    this.store = store;
    this.node = node;
    this.onThread = onThread;
    this.counters = counters;
    this.onDecided = onDecided;
    this.clock = new PartitionClock(wall);
    this.buffer =
        bufferSettings
            .ticker(clock)
            .clock(wall)
            .executor(Runnable::run) // evictions decide on this thread, like everything else here
            .sink(this::kept)
            .decisionListener((decision, waited) -> decided(decision, waited))
            .build();
  }

  TopicPartition partition() {
    return partition;
  }

  TraceBuffer buffer() {
    return buffer;
  }

  /** Whether the trace is buffered or remembered here: then no lookup in the decision log. */
  boolean knows(TraceId traceId) {
    return firstOffsets.containsKey(traceId) || buffer.remembers(traceId);
  }

  /**
   * Moves the partition's time to a record about to be read. Before decisions from the log are
   * followed: a new shard's time starts at zero, and a decision remembered then would count as
   * long expired once the records' time arrives.
   */
  void observe(long receivedAtMillis) {
    clock.recordReceivedAt(receivedAtMillis);
    clock.advance(false);
  }

  void follow(StoredDecision earlier) {
    buffer.follow(
        new DecisionRecord(
            earlier.traceId(),
            earlier.keep(),
            earlier.rule(),
            earlier.probability(),
            earlier.rateLimited(),
            reasonOf(earlier.reason()),
            earlier.decidedAt(),
            earlier.spansDecided(),
            0,
            earlier.rulesVersion()));
  }

  void add(ConsumerRecord<byte[], byte[]> record) {
    currentOffset = record.offset();
    position = record.offset() + 1;
    List<WireSpan> spans;
    try {
      spans = ExportRequestScanner.scan(record.value()).accepted();
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      // Not written by a Tailkeep ingest node (or corrupted): nothing to decide, nothing to hold.
      counters.recordsUnreadable.increment();
      LOG.warn("Skipping unreadable record {} at offset {}: {}", partition, record.offset(), e.toString());
      return;
    }
    if (spans.isEmpty()) {
      return;
    }
    observe(record.timestamp());
    TraceId previous = null;
    for (WireSpan span : spans) {
      // A record holds one trace's spans: look each trace up once, not once per span.
      if (previous != null && span.hasTraceId(previous)) {
        continue;
      }
      TraceId traceId = span.traceId();
      previous = traceId;
      if (!firstOffsets.containsKey(traceId) && !buffer.remembers(traceId)) {
        firstOffsets.put(traceId, record.offset());
        hold(record.offset());
      }
    }
    buffer.offer(spans);
  }

  /** After each poll: moves the partition's time on and decides what is due. */
  void tick(boolean caughtUp) {
    clock.advance(caughtUp);
    buffer.decideDue();
  }

  /** The decision rows made since the last call, for one write; each settles its trace. */
  List<StoredDecision> takeUnwritten() {
    List<StoredDecision> rows = List.copyOf(unwritten);
    unwritten.clear();
    return rows;
  }

  /** The rows are durable: kept traces may now be written. Runs on the consumer thread. */
  void rowsWritten(List<StoredDecision> rows) {
    for (StoredDecision row : rows) {
      Settlement settlement = settling.get(row.traceId());
      if (settlement != null) {
        settlement.rowWritten();
      }
    }
  }

  /** The write failed: the rows go out again with the next flush. */
  void rowsFailed(List<StoredDecision> rows) {
    unwritten.addAll(0, rows);
  }

  /** Where the committed offset may go: the first held record, or past everything read. */
  long committable() {
    return holds.isEmpty() ? position : holds.firstKey();
  }

  /** Whether anything read is not yet settled beyond undecided traces: writes in flight. */
  boolean writesPending() {
    return !settling.isEmpty() || !unwritten.isEmpty();
  }

  long position() {
    return position;
  }

  /** This node no longer owns the partition: completions still arriving are ignored. */
  void revoke() {
    revoked = true;
  }

  boolean revoked() {
    return revoked;
  }

  private void decided(DecisionRecord decision, Duration waited) {
    Long first = firstOffsets.remove(decision.traceId());
    if (first == null) {
      return; // decided before this shard held it: nothing of it is held here
    }
    settling.put(decision.traceId(), new Settlement(decision.traceId(), first));
    unwritten.add(
        new StoredDecision(
            decision.traceId(),
            decision.keep(),
            decision.rule(),
            decision.probability(),
            decision.rateLimited(),
            decision.reason().name(),
            decision.rulesVersion(),
            decision.decidedAt(),
            node,
            decision.spansDecided()));
    onDecided.decided(decision, waited);
  }

  /** The buffer hands over a kept trace, or late spans of one. */
  private void kept(SpanBatch batch) {
    Settlement settlement = settling.get(batch.traceId());
    if (settlement != null) {
      settlement.write(batch); // waits for the decision row when that is still unwritten
      return;
    }
    // Late spans of a settled trace (or one decided elsewhere): held at their own record.
    long offset = currentOffset;
    hold(offset);
    store.enqueue(batch).whenComplete((ok, error) -> onThread.accept(() -> release(offset)));
  }

  private void hold(long offset) {
    holds.merge(offset, 1, Integer::sum);
  }

  private void release(long offset) {
    if (revoked) {
      return;
    }
    holds.computeIfPresent(offset, (key, count) -> count == 1 ? null : count - 1);
  }

  private static DecisionReason reasonOf(String name) {
    try {
      return DecisionReason.valueOf(name);
    } catch (IllegalArgumentException e) {
      return DecisionReason.SHUTDOWN; // a reason this version does not know; only shown in "why"
    }
  }

  /** A decided trace on its way to durable: its row, then its kept spans. */
  private final class Settlement {
    private final TraceId traceId;
    private final long firstOffset;
    private final List<SpanBatch> waitingForRow = new ArrayList<>();
    private boolean rowDurable;
    private int writesInFlight;

    Settlement(TraceId traceId, long firstOffset) {
      this.traceId = traceId;
      this.firstOffset = firstOffset;
    }

    void write(SpanBatch batch) {
      if (!rowDurable) {
        waitingForRow.add(batch);
        return;
      }
      writesInFlight++;
      store.enqueue(batch).whenComplete((ok, error) -> onThread.accept(this::batchWritten));
    }

    void rowWritten() {
      rowDurable = true;
      List<SpanBatch> batches = List.copyOf(waitingForRow);
      waitingForRow.clear();
      batches.forEach(this::write);
      settleIfDone();
    }

    void batchWritten() {
      if (revoked) {
        return;
      }
      writesInFlight--;
      settleIfDone();
    }

    private void settleIfDone() {
      if (rowDurable && writesInFlight == 0 && settling.get(traceId) == this) {
        settling.remove(traceId);
        release(firstOffset);
      }
    }
  }
}

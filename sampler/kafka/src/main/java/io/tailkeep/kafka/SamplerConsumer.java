package io.tailkeep.kafka;

import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.store.StoredDecision;
import io.tailkeep.store.TraceId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of the sampler group, on its own thread: polls its partitions, feeds each
 * partition's shard, decides what is due, writes decision rows, commits what is settled. Kafka
 * consumers are single-threaded; a node runs several of these to use its cores.
 */
final class SamplerConsumer implements Runnable, ConsumerRebalanceListener {

  private static final Logger LOG = LoggerFactory.getLogger(SamplerConsumer.class);

  private static final Duration POLL = Duration.ofMillis(100);
  /** How long leaving the group may take, at the end of a stop. */
  static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(10);
  private static final int TRACE_ID_BYTES = 16;
  private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);
  private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration LOOKUP_RETRY = Duration.ofSeconds(1);
  /** Longer than a fetch round (the consumer's fetch.max.wait.ms, 500 ms by default). */
  private static final Duration LAG_REFRESH = Duration.ofSeconds(1);
  private static final Duration END_OFFSETS_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration ROW_RETRY_FIRST = Duration.ofMillis(200);
  private static final Duration ROW_RETRY_MAX = Duration.ofSeconds(5);

  private final Consumer<byte[], byte[]> consumer;
  private final KafkaSampling node;
  private final Map<TopicPartition, PartitionShard> shards = new HashMap<>();
  private final Map<TopicPartition, Recovery> recovering = new HashMap<>();
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private final ConcurrentLinkedQueue<Runnable> completions = new ConcurrentLinkedQueue<>();
  private volatile boolean running = true;
  /** Set by {@link #stop}: when everything must be done, leaving the group included. */
  private volatile long stopBy;
  private RuleSet rules;
  private long shardBudget;
  private long lastCommitNanos;
  private boolean paused;
  private long resumedAt = System.nanoTime() - LAG_REFRESH.toNanos();
  /**
   * After a resume or a seek, each partition's end offset then: the lag the consumer reports stays
   * as old as its last fetch until a new one returns, which under load can take longer than {@link
   * #LAG_REFRESH}; "caught up" is believed only once the position has reached this offset.
   */
  private final Map<TopicPartition, Long> mustReach = new HashMap<>();
  /** The last decision-row write failed: rows wait until {@code rowsRetryAt}, reading waits too. */
  private boolean rowsFailing;
  private long rowsRetryAt;
  private long rowsBackoffNanos = ROW_RETRY_FIRST.toNanos();
  private boolean lookupsFailing;

  /** Records before {@code endOffset}, or read before {@code untilMillis}, may be decided already. */
  private record Recovery(long endOffset, long untilMillis) {}

  SamplerConsumer(Consumer<byte[], byte[]> consumer, KafkaSampling node) {
    this.consumer = consumer;
    this.node = node;
    this.rules = node.rules();
  }

  @Override
  public void run() {
    consumer.subscribe(List.of(node.topic()), this);
    try {
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        runCompletions();
        followRules();
        for (TopicPartition partition : records.partitions()) {
          PartitionShard shard = shards.get(partition);
          if (shard != null) {
            read(shard, records.records(partition));
          }
        }
        // Paused, and for a fetch round after resuming or seeking back, the consumer's lag is as
        // old as its last fetch: "caught up" is not known then, and partition time must not follow
        // the wall clock past records waiting in Kafka (an idle timeout would split their traces).
        boolean lagFresh = !paused && System.nanoTime() - resumedAt > LAG_REFRESH.toNanos();
        for (PartitionShard shard : shards.values()) {
          shard.tick(lagFresh && caughtUp(shard.partition()));
        }
        writeDecisions();
        commitIfDue();
        pauseWhileBacklogged();
      }
    } catch (WakeupException e) {
      // stop() woke the poll
    } catch (RuntimeException e) {
      LOG.error("Sampler consumer stopped on an error; its partitions go to other nodes", e);
    } finally {
      leave();
    }
  }

  /**
   * Asks the loop to finish by {@code deadlineNanos} ({@link System#nanoTime}): it stops fetching,
   * settles its writes while time is left for leaving, commits and leaves the group.
   */
  void stop(long deadlineNanos) {
    stopBy = deadlineNanos;
    running = false;
    consumer.wakeup();
  }

  int shardCount() {
    return shards.size();
  }

  private void read(PartitionShard shard, List<ConsumerRecord<byte[], byte[]>> records) {
    shard.observe(records.get(0).timestamp());
    Recovery recovery = recovering.get(shard.partition());
    if (recovery != null && !followEarlierDecisions(shard, recovery, records)) {
      // The decision log did not answer: read these records again after a pause. The lag the
      // consumer reports is from before the seek: not "caught up" until a fetch round has passed.
      consumer.seek(shard.partition(), records.get(0).offset());
      sleep(LOOKUP_RETRY);
      readingAgain(List.of(shard.partition()));
      return;
    }
    for (ConsumerRecord<byte[], byte[]> record : records) {
      node.counters().recordsConsumed.increment();
      if (recovery != null && record.offset() < recovery.endOffset()) {
        node.counters().recordsReplayed.increment();
      }
      shard.add(record);
    }
  }

  /**
   * Traces this shard has not seen, in records another node may have read before, are looked up in
   * the decision log in one batch; those found follow their decision. False when the log failed.
   */
  private boolean followEarlierDecisions(
      PartitionShard shard, Recovery recovery, List<ConsumerRecord<byte[], byte[]>> records) {
    long now = node.clock().millis();
    Set<TraceId> unknown = new LinkedHashSet<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      if (record.offset() >= recovery.endOffset() && now >= recovery.untilMillis()) {
        recovering.remove(shard.partition());
        break;
      }
      TraceId traceId = keyOf(record);
      if (traceId != null && !shard.knows(traceId)) {
        unknown.add(traceId);
      }
    }
    if (unknown.isEmpty()) {
      return true;
    }
    Map<TraceId, StoredDecision> found;
    try {
      found = node.decisions().read(unknown).toCompletableFuture()
          .get(LOOKUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      if (!lookupsFailing) {
        LOG.warn("Decision log lookups failed ({}); sampler {} reads those records again every {} s until they answer",
            e.toString(), node.name(), LOOKUP_RETRY.toSeconds());
      }
      lookupsFailing = true;
      return false;
    }
    lookupsFailing = false;
    node.counters().decisionsLookedUp.increment(unknown.size());
    node.counters().decisionsFollowed.increment(found.size());
    found.values().forEach(shard::follow);
    return true;
  }

  private static TraceId keyOf(ConsumerRecord<byte[], byte[]> record) {
    byte[] key = record.key();
    return key != null && key.length == TRACE_ID_BYTES && !allZero(key) ? TraceId.fromBytes(key) : null;
  }

  private static boolean allZero(byte[] bytes) {
    for (byte b : bytes) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private boolean caughtUp(TopicPartition partition) {
    Long end = mustReach.get(partition);
    if (end != null) {
      if (positionNow(partition) < end) {
        return false;
      }
      mustReach.remove(partition);
    }
    OptionalLong lag = consumer.currentLag(partition);
    return lag.isPresent() && lag.getAsLong() == 0;
  }

  /**
   * The partition's position if the consumer knows it without asking the broker; -1 otherwise (a
   * partition assigned while paused has none yet), so the poll loop never blocks on it.
   */
  private long positionNow(TopicPartition partition) {
    try {
      return consumer.position(partition, Duration.ZERO);
    } catch (TimeoutException e) {
      return -1;
    }
  }

  /** Reading starts again on {@code partitions}: it is caught up at the earliest at today's ends. */
  private void readingAgain(Collection<TopicPartition> partitions) {
    resumedAt = System.nanoTime();
    try {
      mustReach.putAll(consumer.endOffsets(partitions, END_OFFSETS_TIMEOUT));
    } catch (RuntimeException e) {
      // Not known now: the time guard alone holds, as before.
      LOG.debug("End offsets of {} not read after resuming: {}", partitions, e.toString());
    }
  }

  private void writeDecisions() {
    for (PartitionShard shard : shards.values()) {
      writeDecisions(shard);
    }
  }

  private void writeDecisions(PartitionShard shard) {
    if (rowsFailing && System.nanoTime() - rowsRetryAt < 0) {
      return; // the decision log is failing: try again after the backoff, not every poll
    }
    List<StoredDecision> rows = shard.takeUnwritten();
    if (rows.isEmpty()) {
      return;
    }
    node.decisions().write(rows).whenComplete((ok, error) -> completions.add(() -> {
      if (error == null) {
        if (rowsFailing) {
          LOG.info("Decision rows written again; sampler {} reads on", node.name());
        }
        rowsFailing = false;
        rowsBackoffNanos = ROW_RETRY_FIRST.toNanos();
      } else {
        rowsFailed(error);
      }
      if (shard.revoked()) {
        return;
      }
      if (error == null) {
        node.counters().decisionsWritten.increment(rows.size());
        shard.rowsWritten(rows);
      } else {
        shard.rowsFailed(rows);
      }
    }));
  }

  /** One backoff step per failed round, however many shards' writes failed in it. */
  private void rowsFailed(Throwable error) {
    node.counters().decisionWriteFailures.increment();
    long now = System.nanoTime();
    if (!rowsFailing || now - rowsRetryAt >= 0) {
      if (!rowsFailing) {
        LOG.warn("Decision rows not written ({}); sampler {} stops reading until the decision log takes them",
            error.toString(), node.name());
      }
      rowsRetryAt = now + rowsBackoffNanos;
      rowsBackoffNanos = Math.min(2 * rowsBackoffNanos, ROW_RETRY_MAX.toNanos());
    }
    rowsFailing = true;
  }

  private void runCompletions() {
    Runnable completion;
    while ((completion = completions.poll()) != null) {
      completion.run();
    }
  }

  private void commitIfDue() {
    long now = System.nanoTime();
    if (now - lastCommitNanos < COMMIT_INTERVAL.toNanos()) {
      return;
    }
    lastCommitNanos = now;
    Map<TopicPartition, OffsetAndMetadata> offsets = committable(shards.values());
    if (!offsets.isEmpty()) {
      consumer.commitAsync(offsets, (done, error) -> {
        if (error != null) {
          // Commits fail while the group rebalances: forget them, so the next round sends them again.
          offsets.forEach((partition, offset) -> committed.remove(partition, offset.offset()));
          LOG.debug("Offset commit failed; the next round retries it: {}", error.toString());
        }
      });
    }
  }

  private Map<TopicPartition, OffsetAndMetadata> committable(Collection<PartitionShard> of) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (PartitionShard shard : of) {
      long offset = shard.committable();
      if (offset >= 0 && offset > committed.getOrDefault(shard.partition(), -1L)) {
        offsets.put(shard.partition(), new OffsetAndMetadata(offset));
        committed.put(shard.partition(), offset);
      }
    }
    return offsets;
  }

  /**
   * Stops fetching while kept traces cannot be written (the store queue is full) or decisions
   * cannot be logged: what is read then would only pile up in memory. Lag grows instead, and
   * nothing past the first unsettled record is committed.
   */
  private void pauseWhileBacklogged() {
    boolean backlogged = node.storeQueue().isFull()
        || rowsFailing && shards.values().stream().anyMatch(PartitionShard::writesPending);
    if (backlogged) {
      consumer.pause(consumer.assignment()); // partitions assigned since the last pause too
      paused = true;
    } else if (paused) {
      Set<TopicPartition> resumed = consumer.paused();
      consumer.resume(resumed);
      paused = false;
      readingAgain(resumed);
    }
  }

  private void followRules() {
    RuleSet current = node.rules();
    node.shareTraffic(current);
    if (current != rules) {
      rules = current;
      shards.values().forEach(shard -> shard.buffer().replaceRules(current));
    }
    long budget = node.shardBudget();
    if (budget != shardBudget) {
      shardBudget = budget;
      shards.values().forEach(shard -> shard.buffer().resize(budget));
    }
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    node.counters().rebalances.increment();
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    long until = node.clock().millis() + node.lookupWindow().toMillis();
    List<PartitionShard> opened = new ArrayList<>();
    for (TopicPartition partition : partitions) {
      TraceBuffer.Builder settings = node.bufferSettings(rules);
      PartitionShard shard = new PartitionShard(partition, settings, node.storeQueue(), node.name(),
          node.clock(), completions::add, node.counters(), node.decisionListener());
      shards.put(partition, shard);
      opened.add(shard);
      recovering.put(partition, new Recovery(ends.getOrDefault(partition, 0L), until));
    }
    node.shardsOpened(opened);
    LOG.info("Sampler {} took partitions {}", node.name(), partitions);
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    node.counters().rebalances.increment();
    List<PartitionShard> leaving = new ArrayList<>();
    for (TopicPartition partition : partitions) {
      PartitionShard shard = shards.remove(partition);
      recovering.remove(partition);
      mustReach.remove(partition);
      if (shard != null) {
        leaving.add(shard);
      }
    }
    settle(leaving, node.drainTimeout());
    Map<TopicPartition, OffsetAndMetadata> offsets = committable(leaving);
    try {
      if (!offsets.isEmpty()) {
        consumer.commitSync(offsets);
      }
    } catch (RuntimeException e) {
      LOG.warn("Commit of revoked partitions {} failed; the next owner replays a little more: {}", partitions, e.toString());
    }
    leaving.forEach(PartitionShard::revoke);
    partitions.forEach(committed::remove);
    node.shardsClosed(leaving);
    LOG.info("Sampler {} gave up partitions {}; undecided traces there are decided by their next owner",
        node.name(), partitions);
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    for (TopicPartition partition : partitions) {
      PartitionShard shard = shards.remove(partition);
      recovering.remove(partition);
      mustReach.remove(partition);
      committed.remove(partition);
      if (shard != null) {
        shard.revoke();
        node.shardsClosed(List.of(shard));
      }
    }
    LOG.warn("Sampler {} lost partitions {} without handing them over; their next owner replays them",
        node.name(), partitions);
  }

  /** Writes what was decided and waits for it to be durable, so the commit covers it. */
  private void settle(List<PartitionShard> of, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (of.stream().anyMatch(PartitionShard::writesPending) && System.nanoTime() < deadline) {
      of.forEach(this::writeDecisions);
      sleep(Duration.ofMillis(20));
      runCompletions();
    }
  }

  private void leave() {
    try {
      List<PartitionShard> all = new ArrayList<>(shards.values());
      settle(all, settleTime());
      Map<TopicPartition, OffsetAndMetadata> offsets = committable(all);
      if (!offsets.isEmpty()) {
        consumer.commitSync(offsets);
      }
    } catch (RuntimeException e) {
      LOG.warn("Final commit failed; the next owners replay from the last one: {}", e.toString());
    } finally {
      all().forEach(PartitionShard::revoke);
      node.shardsClosed(shards.values());
      shards.clear();
      // Static members stay in the group on close unless told: leave, so partitions move now.
      consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
          .withTimeout(LEAVE_TIMEOUT));
    }
  }

  /** The drain timeout, or less when a stop's deadline leaves less before the group must be left. */
  private Duration settleTime() {
    long drain = node.drainTimeout().toNanos();
    if (running) { // leaving on an error, not on stop()
      return Duration.ofNanos(drain);
    }
    long untilLeave = stopBy - LEAVE_TIMEOUT.toNanos() - System.nanoTime();
    return Duration.ofNanos(Math.max(0, Math.min(drain, untilLeave)));
  }

  private Collection<PartitionShard> all() {
    return List.copyOf(shards.values());
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

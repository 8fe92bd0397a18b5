package io.tailkeep.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.tailkeep.collector.Admission;
import io.tailkeep.collector.SpanSink;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.wire.TraceRecords;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ingest node's sink: the spans of each trace in an export become one record on the spans topic,
 * keyed by trace ID, stamped with the time of receipt. The export is accepted once Kafka has
 * acknowledged every record of it (all in-sync replicas); Kafka slow or away means a retry-later
 * answer, never a silent loss.
 */
public final class KafkaSpanSink implements SpanSink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaSpanSink.class);

  /** The exporter tries again after this; long enough for a leader election. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(5);
  /**
   * How long a record may wait for Kafka before the export is refused: under the OpenTelemetry
   * SDKs' 10 s export timeout, so the exporter hears a refusal rather than timing out.
   */
  static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(8);

  private final Producer<byte[], byte[]> producer;
  private final Admin admin;
  private final String topic;
  private final Clock clock;
  private final Counter recordsFailed;
  private final KafkaClientMetrics clientMetrics;

  private KafkaSpanSink(
      Producer<byte[], byte[]> producer, Admin admin, String topic, Clock clock, MeterRegistry registry) {
    this.producer = producer;
    this.admin = admin;
    this.topic = topic;
    this.clock = clock;
    this.recordsFailed =
        Counter.builder("tailkeep.kafka.records.failed")
            .description("Span records Kafka did not acknowledge; their exports were refused for a retry")
            .register(registry);
    this.clientMetrics = new KafkaClientMetrics(producer);
    clientMetrics.bindTo(registry);
  }

  /** Creates the topic if absent, connects, and learns the topic's partitions before any export. */
  public static KafkaSpanSink start(SpansTopic spans, String nodeName, MeterRegistry registry)
      throws InterruptedException {
    TopicSetup.ensure(spans, Duration.ofSeconds(30));
    KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(producerConfig(spans, nodeName), new ByteArraySerializer(), new ByteArraySerializer());
    try {
      awaitMetadata(producer, spans.topic(), Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      producer.close(Duration.ZERO);
      throw e;
    } catch (KafkaException e) {
      producer.close(Duration.ZERO);
      throw new IllegalStateException("Kafka: cannot reach topic " + spans.topic() + ": " + e.getMessage(), e);
    }
    Map<String, Object> adminConfig = new HashMap<>(spans.clientConfig());
    adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "tailkeep-ingest-" + nodeName + "-health");
    // Health probes give up quickly; a probe left waiting for a gone broker is of no use to anyone.
    adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
    adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
    return new KafkaSpanSink(producer, Admin.create(adminConfig), spans.topic(), Clock.systemUTC(), registry);
  }

  /**
   * Whether Kafka answers for the spans topic now (a metadata request, bounded by {@code timeout}):
   * what an ingest node's readiness stands on, since it needs nothing else. Fails saying why.
   */
  public CompletionStage<Void> reachable(Duration timeout) {
    int millis = (int) Math.max(1, timeout.toMillis());
    // The admin client may not apply the call's timeout while no broker is known: bound it here too.
    return admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(millis))
        .allTopicNames()
        .toCompletionStage()
        .toCompletableFuture()
        .orTimeout(millis, TimeUnit.MILLISECONDS)
        .thenApply(described -> null);
  }

  /**
   * Receivers call offer on event loops, so send must never wait for metadata (max.block.ms is 0):
   * learn the topic's partitions now. Each call that finds none asks the sender thread to fetch.
   */
  private static void awaitMetadata(Producer<byte[], byte[]> producer, String topic, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        producer.partitionsFor(topic);
        return;
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  static Map<String, Object> producerConfig(SpansTopic spans, String nodeName) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    config.putAll(spans.clientConfig());
    // Not overridable: they are what "acknowledged" means, and what keeps event loops free.
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) DELIVERY_TIMEOUT.toMillis() - 1_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) DELIVERY_TIMEOUT.toMillis());
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "tailkeep-ingest-" + nodeName);
    return config;
  }

  @Override
  public CompletionStage<Admission> offer(List<WireSpan> spans) {
    long receivedAt = clock.millis();
    Map<TraceId, List<WireSpan>> byTrace = new LinkedHashMap<>();
    for (WireSpan span : spans) {
      byTrace.computeIfAbsent(span.traceId(), id -> new ArrayList<>()).add(span);
    }
    List<CompletableFuture<Void>> acknowledged = new ArrayList<>(byTrace.size());
    for (Map.Entry<TraceId, List<WireSpan>> trace : byTrace.entrySet()) {
      ProducerRecord<byte[], byte[]> record =
          new ProducerRecord<>(topic, null, receivedAt, trace.getKey().toBytes(), TraceRecords.encode(trace.getValue()));
      CompletableFuture<Void> ack = new CompletableFuture<>();
      try {
        producer.send(record, (metadata, failure) -> {
          if (failure == null) {
            ack.complete(null);
          } else {
            ack.completeExceptionally(failure);
          }
        });
      } catch (KafkaException e) {
        // Buffer full or metadata missing (max.block.ms is 0): refuse now. Records sent before
        // this one may still land; the exporter's retry then repeats them, which reads the same.
        ack.completeExceptionally(e);
      }
      acknowledged.add(ack);
    }
    return CompletableFuture.allOf(acknowledged.toArray(CompletableFuture[]::new))
        .handle((done, failure) -> failure == null ? Admission.accept() : refused(acknowledged, failure));
  }

  private Admission refused(List<CompletableFuture<Void>> acknowledged, Throwable failure) {
    long failed = acknowledged.stream().filter(CompletableFuture::isCompletedExceptionally).count();
    recordsFailed.increment(failed);
    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
    LOG.debug("Kafka did not take {} of {} records: {}", failed, acknowledged.size(), cause.toString());
    return Admission.full(
        "Kafka did not acknowledge the spans (" + cause.getClass().getSimpleName() + "); retry later",
        RETRY_AFTER);
  }

  /** Waits for records in flight, then disconnects. */
  @Override
  public void close() {
    producer.close(DELIVERY_TIMEOUT);
    admin.close(Duration.ZERO);
    clientMetrics.close();
  }
}

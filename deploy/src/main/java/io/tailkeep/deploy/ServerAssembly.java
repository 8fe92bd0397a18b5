package io.tailkeep.deploy;

import io.tailkeep.deploy.config.TailkeepConfig;
import io.tailkeep.kafka.SpansTopic;
import io.tailkeep.query.QueryApiOptions;
import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.sampler.keptqueue.StoreQueue;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.cassandra.CassandraStorage;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Consumer;

/** Turns the configuration into the span store's and the server's builders. */
final class ServerAssembly {

  private ServerAssembly() {}

  static CassandraStorage storage(
      TailkeepConfig config, List<InetSocketAddress> contactPoints, String datacenter) {
    TailkeepConfig.Cassandra cassandra = config.cassandra();
    CassandraStorage.Builder storage =
        CassandraStorage.builder()
            .contactPoints(contactPoints)
            .localDatacenter(datacenter)
            .keyspace(cassandra.keyspace())
            .replication(cassandra.replication())
            .consistency(cassandra.consistency())
            .spanTtl(cassandra.spanTtl())
            .indexedTagKeys(cassandra.indexedTags())
            .maxTagValueLength(cassandra.maxTagValueLength())
            .decisionTtl(config.sampler().decisionTtl())
            .maxReadsInFlight(config.query().maxReadsInFlight())
            .maxReadsWaiting(config.query().maxReadsWaiting())
            .searchThreads(config.query().searchThreads())
            .searchQueue(config.query().searchQueue())
            .maxSearchPartitions(config.query().maxSearchPartitions());
    cassandra.indexTtl().ifPresent(storage::indexTtl);
    cassandra.tls().ifPresent(storage::tls);
    if (cassandra.username().isPresent()) {
      storage.credentials(cassandra.username().get(), cassandra.password().orElseThrow());
    }
    return storage.build();
  }

  static QueryApiOptions queryOptions(TailkeepConfig.Query query) {
    return QueryApiOptions.builder()
        .maxTraceSpans(query.maxTraceSpans())
        .storageTimeout(query.timeout())
        .retryAfter(query.retryAfter())
        .maxJaegerLimit(query.maxJaegerLimit())
        .build();
  }

  /** @param store null when the node does not use Cassandra ({@link TailkeepConfig#usesCassandra()}) */
  static TailkeepServer.Builder server(TailkeepConfig config, SpanStore store) {
    TailkeepConfig.Server server = config.server();
    TailkeepConfig.Sampler sampler = config.sampler();
    Consumer<TraceBuffer.Builder> buffer =
        b ->
            b.maximumWeightBytes(sampler.bufferBytes())
                .maxSpansPerTrace(sampler.maxSpansPerTrace())
                .gracePeriod(sampler.gracePeriod())
                .idleTimeout(sampler.idleTimeout())
                .maxWait(sampler.maxWait())
                .decisionCacheSize(sampler.decisionCacheSize())
                .decisionCacheExpiry(sampler.decisionCacheExpiry());
    Consumer<StoreQueue.Builder> storeQueue = q -> q.maxQueuedBytes(sampler.storeQueueBytes());
    TailkeepServer.Builder builder =
        TailkeepServer.builder()
            .host(server.host())
            .grpcPort(server.grpcPort())
            .httpPort(server.httpPort())
            .apiPort(server.apiPort())
            .maxMessageBytes(server.maxMessageBytes())
            .limits(server.limits())
            .shutdownTimeout(server.shutdownTimeout())
            .buffer(buffer)
            .storeQueue(storeQueue)
            .deadLetters(config.deadLetterDirectory(), sampler.deadLetterBytes())
            .queryOptions(queryOptions(config.query()));
    config.query().logsLink().ifPresent(builder::logsLink);
    if (store != null) {
      builder.spanStore(store);
    }
    sampler.rulesFile().ifPresent(builder::rulesFile);
    sampler.candidateRulesFile().ifPresent(builder::candidateRulesFile);
    config.auth().tokensFile().ifPresent(builder::tokensFile);
    builder.metricsNeedToken(config.auth().metricsNeedsToken());
    config.auth().tls().ifPresent(tls -> {
      builder.tls(tls.certFile(), tls.keyFile());
      tls.clientCaFile().ifPresent(builder::tlsClientCa);
    });
    TailkeepConfig.Kafka kafka = config.kafka();
    if (kafka.isEnabled()) {
      TailkeepConfig.Node node = config.node();
      builder.kafka(
          new KafkaNode.Settings(
              new SpansTopic(kafka.bootstrapServers(), kafka.topic(), kafka.partitions(),
                  kafka.replicationFactor(), kafka.client()),
              node.name(),
              node.has(TailkeepConfig.Role.INGEST),
              node.has(TailkeepConfig.Role.SAMPLER),
              sampler.threads(),
              sampler.bufferBytes()),
          node.has(TailkeepConfig.Role.QUERY));
    }
    return builder;
  }
}

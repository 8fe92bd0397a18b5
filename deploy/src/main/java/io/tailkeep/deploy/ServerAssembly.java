package io.tailkeep.deploy;

import io.tailkeep.deploy.config.TailkeepConfig;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.cassandra.CassandraStorage;
import java.net.InetSocketAddress;
import java.util.List;

/** Turns the configuration into the span store's and the server's builders. */
final class ServerAssembly {

  private ServerAssembly() {}

  static CassandraStorage storage(
      TailkeepConfig.Cassandra cassandra, List<InetSocketAddress> contactPoints, String datacenter) {
    CassandraStorage.Builder storage =
        CassandraStorage.builder()
            .contactPoints(contactPoints)
            .localDatacenter(datacenter)
            .keyspace(cassandra.keyspace())
            .replication(cassandra.replication())
            .consistency(cassandra.consistency())
            .spanTtl(cassandra.spanTtl())
            .indexedTagKeys(cassandra.indexedTags())
            .maxTagValueLength(cassandra.maxTagValueLength());
    cassandra.indexTtl().ifPresent(storage::indexTtl);
    cassandra.tls().ifPresent(storage::tls);
    if (cassandra.username().isPresent()) {
      storage.credentials(cassandra.username().get(), cassandra.password().orElseThrow());
    }
    return storage.build();
  }

  static TailkeepServer.Builder server(TailkeepConfig config, SpanStore store) {
    TailkeepConfig.Server server = config.server();
    TailkeepConfig.Sampler sampler = config.sampler();
    TailkeepServer.Builder builder =
        TailkeepServer.builder()
            .spanStore(store)
            .host(server.host())
            .grpcPort(server.grpcPort())
            .httpPort(server.httpPort())
            .apiPort(server.apiPort())
            .maxMessageBytes(server.maxMessageBytes())
            .shutdownTimeout(server.shutdownTimeout())
            .sampler(
                s ->
                    s.buffer(
                            b ->
                                b.maximumWeightBytes(sampler.bufferBytes())
                                    .maxSpansPerTrace(sampler.maxSpansPerTrace())
                                    .gracePeriod(sampler.gracePeriod())
                                    .idleTimeout(sampler.idleTimeout())
                                    .maxWait(sampler.maxWait())
                                    .decisionCacheSize(sampler.decisionCacheSize())
                                    .decisionCacheExpiry(sampler.decisionCacheExpiry()))
                        .storeQueue(q -> q.maxQueuedBytes(sampler.storeQueueBytes())));
    sampler.rulesFile().ifPresent(builder::rulesFile);
    return builder;
  }
}

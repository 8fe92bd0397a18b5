package io.tailkeep.store.cassandra;

import io.tailkeep.store.IndexedTags;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import io.tailkeep.store.DecisionLog;
import io.tailkeep.store.SamplingCounts;
import io.tailkeep.store.SpanReader;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.SpanWriter;
import io.tailkeep.store.traffic.TrafficCounts;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The span store on Apache Cassandra. Made by {@link CassandraStorage#open()}. */
public final class CassandraSpanStore implements SpanStore {
  private final CqlSession session;
  private final CassandraSpanWriter writer;
  private final CassandraSpanReader reader;
  private final CassandraDecisionLog decisions;
  private final CassandraSamplingCounts samplingCounts;
  private final CassandraTrafficCounts traffic;
  private final ExecutorService searchExecutor;
  private final InFlightLimiter limiter;
  /** Index and name requests in flight at once; each carries up to maxBatchBytes of rows. */
  static final int INDEX_REQUESTS_IN_FLIGHT = 16;

  private CassandraSpanStore(CqlSession session, CassandraStorage storage) {
    this.session = session;
    Statements statements = new Statements(session, storage.keyspace);
    IndexedTags tagPolicy = new IndexedTags(storage.indexedTagKeys, storage.maxTagValueLength);
    TimeBuckets buckets = new TimeBuckets(storage.bucketSize);
    this.limiter = new InFlightLimiter(storage.maxInFlight);
    // Names are rewritten well before their TTL runs out.
    NameCache names = new NameCache(storage.indexTtl.toNanos() / 4, System::nanoTime);
    this.writer =
        new CassandraSpanWriter(
            statements,
            limiter,
            // Index requests have a small budget of their own (within maxInFlight): while it is
            // spent, rows wait in their partition's request and coalesce, however fast the node.
            new PartitionBatcher(
                rows -> limiter.submit(() -> statements.unloggedBatch.execute(rows)),
                new InFlightLimiter(INDEX_REQUESTS_IN_FLIGHT),
                storage.maxBatchBytes),
            names,
            tagPolicy,
            buckets,
            (int) storage.spanTtl.toSeconds(),
            (int) storage.indexTtl.toSeconds());
    // A bounded queue: past it a search fails at once (StoreBusyException) instead of waiting.
    this.searchExecutor =
        new ThreadPoolExecutor(
            storage.searchThreads,
            storage.searchThreads,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(storage.searchQueue),
            daemonThreads("tailkeep-search-"));
    this.reader =
        new CassandraSpanReader(
            statements,
            new TraceSearch(statements, buckets, storage.bucketSize, storage.maxSearchPartitions),
            tagPolicy,
            searchExecutor,
            new InFlightLimiter(storage.maxReadsInFlight, storage.maxReadsWaiting),
            Clock.systemUTC(),
            storage.indexTtl);
    this.decisions = new CassandraDecisionLog(statements, limiter, (int) storage.decisionTtl.toSeconds());
    // Counts are kept as long as the traces they describe.
    this.samplingCounts =
        new CassandraSamplingCounts(statements, limiter, (int) storage.spanTtl.toSeconds());
    // Traffic counts are kept as long as the search index that finds the traces behind them.
    this.traffic =
        new CassandraTrafficCounts(
            statements, limiter, (int) storage.indexTtl.toSeconds(), storage.maxBatchBytes);
  }

  static CassandraSpanStore open(CassandraStorage storage) {
    ProgrammaticDriverConfigLoaderBuilder config =
        DriverConfigLoader.programmaticBuilder()
            .withString(DefaultDriverOption.REQUEST_CONSISTENCY, storage.consistency)
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10))
            .withDuration(
                DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10))
            .withDuration(
                DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT,
                Duration.ofSeconds(30))
            .withInt(DefaultDriverOption.REQUEST_PAGE_SIZE, 1_000)
            // Kept traces wait in memory while Cassandra is away: look for it again
            // often (the driver's default waits up to 60 s between attempts).
            .withDuration(
                DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(500))
            .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(5))
            // Our own DDL is the only schema change we wait for; don't debounce it by 1 s.
            .withDuration(
                DefaultDriverOption.METADATA_SCHEMA_WINDOW, Duration.ofMillis(50));
    if (storage.tls != null) {
      tlsOptions(config, storage.tls);
    }
    CqlSessionBuilder builder =
        CqlSession.builder()
            .addContactPoints(storage.contactPoints)
            .withLocalDatacenter(storage.localDatacenter)
            .withConfigLoader(config.build());
    if (storage.username != null) {
      builder.withAuthCredentials(storage.username, storage.password);
    }
    CqlSession session = builder.build();
    try {
      if (storage.createSchema) {
        Schema.ensure(session, storage);
      }
      return new CassandraSpanStore(session, storage);
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  private static void tlsOptions(ProgrammaticDriverConfigLoaderBuilder config, CassandraTls tls) {
    config
        .withString(DefaultDriverOption.SSL_ENGINE_FACTORY_CLASS, "DefaultSslEngineFactory")
        .withBoolean(DefaultDriverOption.SSL_HOSTNAME_VALIDATION, tls.hostnameValidation());
    tls.truststore()
        .ifPresent(p -> config.withString(DefaultDriverOption.SSL_TRUSTSTORE_PATH, p.toString()));
    tls.truststorePassword()
        .ifPresent(p -> config.withString(DefaultDriverOption.SSL_TRUSTSTORE_PASSWORD, p));
    tls.keystore()
        .ifPresent(p -> config.withString(DefaultDriverOption.SSL_KEYSTORE_PATH, p.toString()));
    tls.keystorePassword()
        .ifPresent(p -> config.withString(DefaultDriverOption.SSL_KEYSTORE_PASSWORD, p));
  }

  @Override
  public SpanWriter writer() {
    return writer;
  }

  @Override
  public SpanReader reader() {
    return reader;
  }

  @Override
  public DecisionLog decisions() {
    return decisions;
  }

  @Override
  public SamplingCounts samplingCounts() {
    return samplingCounts;
  }

  @Override
  public TrafficCounts traffic() {
    return traffic;
  }

  @Override
  public void close() {
    searchExecutor.shutdownNow();
    session.close();
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}

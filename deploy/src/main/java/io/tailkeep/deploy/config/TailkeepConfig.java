package io.tailkeep.deploy.config;

import io.tailkeep.collector.GrpcReceiver;
import io.tailkeep.collector.HttpReceiver;
import io.tailkeep.collector.ReceiverLimits;
import io.tailkeep.deploy.TailkeepServer;
import io.tailkeep.kafka.SpansTopic;
import io.tailkeep.query.QueryApiOptions;
import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.sampler.keptqueue.StoreQueue;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.cassandra.CassandraStorage;
import io.tailkeep.store.cassandra.CassandraTls;
import io.tailkeep.store.cassandra.Replication;
import io.tailkeep.store.cassandra.node.EmbeddedCassandra;
import io.tailkeep.ui.web.LogsLink;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The server's configuration: one YAML file (every key optional), each key overridable by an
 * environment variable, checked as a whole before anything starts. The keys and their defaults are
 * listed in {@code deploy/README.md} and in {@code deploy/config/tailkeep.yaml}.
 */
public record TailkeepConfig(
    Server server,
    Sampler sampler,
    Cassandra cassandra,
    Kafka kafka,
    Node node,
    Logging logging,
    Query query,
    Auth auth) {

  static final List<String> CONSISTENCY_LEVELS =
      List.of(
          "ANY", "ONE", "TWO", "THREE", "QUORUM", "ALL", "LOCAL_ONE", "LOCAL_QUORUM", "EACH_QUORUM");

  private static final Duration MAX_TTL = Duration.ofDays(20 * 365); // Cassandra's own limit

  /**
   * Whether this node reads or writes Cassandra: every node but one on Kafka with only the ingest
   * role, which needs nothing but Kafka (an outage of Cassandra never stops ingest).
   */
  public boolean usesCassandra() {
    return !kafka.isEnabled() || node.has(Role.SAMPLER) || node.has(Role.QUERY);
  }
  private static final long MAX_BYTES = 1L << 40;

  /**
   * Who may use the ports: the access tokens file ({@code auth.tokens_file}; empty: no
   * authentication, and the server listens on 127.0.0.1 unless {@code server.host} says otherwise)
   * and whether {@code /metrics} needs a token with the {@code read} role.
   */
  public record Auth(Optional<Path> tokensFile, boolean metricsNeedsToken, Optional<Tls> tls) {

    public boolean isEnabled() {
      return tokensFile.isPresent();
    }
  }

  /**
   * TLS on the three ports ({@code server.tls.*}): a PEM certificate (chain) and key, and a CA
   * whose client certificates the ingest ports then require.
   */
  public record Tls(Path certFile, Path keyFile, Optional<Path> clientCaFile) {}

  /** Where the receivers and the API listen, what a client may hold there, and how a stop waits. */
  public record Server(
      String host,
      int grpcPort,
      int httpPort,
      int apiPort,
      int maxMessageBytes,
      ReceiverLimits limits,
      Duration shutdownTimeout) {}

  /**
   * The rules file (empty: the shipped default rules), the candidate rules file tried beside it
   * (empty: none; it may be missing), the buffer's bounds and timing, the store
   * queue's bound and where batches the store refuses for good are kept ({@code
   * deadLetterDirectory}, empty: {@code dead-letter} in the embedded node's data directory).
   */
  public record Sampler(
      Optional<Path> rulesFile,
      Optional<Path> candidateRulesFile,
      long bufferBytes,
      int maxSpansPerTrace,
      Duration gracePeriod,
      Duration idleTimeout,
      Duration maxWait,
      long decisionCacheSize,
      Duration decisionCacheExpiry,
      long storeQueueBytes,
      Duration decisionTtl,
      int threads,
      Optional<Path> deadLetterDirectory,
      long deadLetterBytes) {}

  /** This config with {@code file} as the sampling rules file, watched and reloaded. */
  public TailkeepConfig withRulesFile(Path file) {
    Sampler s = sampler;
    return new TailkeepConfig(server,
        new Sampler(Optional.of(file), s.candidateRulesFile(), s.bufferBytes(), s.maxSpansPerTrace(),
            s.gracePeriod(), s.idleTimeout(), s.maxWait(), s.decisionCacheSize(), s.decisionCacheExpiry(),
            s.storeQueueBytes(), s.decisionTtl(), s.threads(), s.deadLetterDirectory(),
            s.deadLetterBytes()),
        cassandra, kafka, node, logging, query, auth);
  }

  /** Default size bound of the dead-letter directory. */
  public static final long DEFAULT_DEAD_LETTER_BYTES = 256L << 20;

  /** Where refused batches are kept: {@code sampler.dead_letter_directory}, or under the data directory. */
  public Path deadLetterDirectory() {
    return sampler.deadLetterDirectory()
        .orElseGet(() -> cassandra.embedded().dataDirectory().resolve("dead-letter"));
  }

  /**
   * The spans topic between ingest and sampler nodes; none when {@code bootstrapServers} is empty
   * (the all-in-one hands spans over in-process).
   */
  public record Kafka(
      List<String> bootstrapServers,
      String topic,
      int partitions,
      short replicationFactor,
      Map<String, String> client) {

    public boolean isEnabled() {
      return !bootstrapServers.isEmpty();
    }

    /**
     * Every setting, but of the client's pass-through settings only the names: they may hold
     * passwords ({@code sasl.jaas.config}, {@code ssl.key.password}).
     */
    @Override
    public String toString() {
      return "Kafka[bootstrapServers=" + bootstrapServers
          + ", topic=" + topic
          + ", partitions=" + partitions
          + ", replicationFactor=" + replicationFactor
          + ", client=" + new TreeSet<>(client.keySet()) + "]";
    }
  }

  /** What this node does in a cluster, and its name there. */
  public record Node(String name, Set<Role> roles) {

    public boolean has(Role role) {
      return roles.contains(role);
    }
  }

  /** A node's jobs: {@code ingest} (OTLP to Kafka), {@code sampler} (Kafka to Cassandra), {@code query}. */
  public enum Role {
    INGEST,
    SAMPLER,
    QUERY;

    public String configName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * An external cluster when {@code contactPoints} is not empty, otherwise an embedded node with
   * its data in {@code embedded}'s directory.
   */
  public record Cassandra(
      List<InetSocketAddress> contactPoints,
      Optional<String> localDatacenter,
      Embedded embedded,
      String keyspace,
      Replication replication,
      String consistency,
      Optional<String> username,
      Optional<String> password,
      Optional<CassandraTls> tls,
      Duration spanTtl,
      Optional<Duration> indexTtl,
      Set<String> indexedTags,
      int maxTagValueLength) {

    public boolean isEmbedded() {
      return contactPoints.isEmpty();
    }

    /** Every setting but the passwords, which show only whether they are set. */
    @Override
    public String toString() {
      return "Cassandra[contactPoints=" + contactPoints
          + ", localDatacenter=" + localDatacenter
          + ", embedded=" + embedded
          + ", keyspace=" + keyspace
          + ", replication=" + replication
          + ", consistency=" + consistency
          + ", username=" + username
          + ", password=" + hidden(password)
          + ", tls=" + tls
          + ", spanTtl=" + spanTtl
          + ", indexTtl=" + indexTtl
          + ", indexedTags=" + indexedTags
          + ", maxTagValueLength=" + maxTagValueLength + "]";
    }

    private static String hidden(Optional<String> secret) {
      return secret.isPresent() ? "(set)" : "(none)";
    }
  }

  public record Embedded(Path dataDirectory, String maxHeap) {}

  /**
   * The bounds of the query role: the API's ({@code QueryApiOptions}: span cap, timeout,
   * Retry-After, Jaeger's largest limit) and the span store's read side (reads in flight and
   * waiting, search threads and queue, index partitions per search).
   */
  public record Query(
      int maxTraceSpans,
      Duration timeout,
      Duration retryAfter,
      int maxJaegerLimit,
      int maxReadsInFlight,
      int maxReadsWaiting,
      int searchThreads,
      int searchQueue,
      int maxSearchPartitions,
      Optional<LogsLink> logsLink) {}

  /** Log format ({@code text} or {@code json}) and level of Tailkeep's own loggers. */
  public record Logging(String format, String level) {}

  /** The defaults, changed by the environment's {@code TAILKEEP_*} variables. */
  public static TailkeepConfig load(Map<String, String> env) throws ConfigException {
    return read(Settings.fromEnvironment(env));
  }

  /** The file's settings over the defaults, changed by the environment's variables. */
  public static TailkeepConfig load(Path file, Map<String, String> env) throws ConfigException {
    return read(Settings.fromFile(file, env));
  }

  static TailkeepConfig parse(String fileName, Path directory, String yaml, Map<String, String> env)
      throws ConfigException {
    return read(Settings.fromYaml(fileName, directory, yaml, env));
  }

  static TailkeepConfig read(Settings s) throws ConfigException {
    Kafka kafka = kafka(s);
    Auth auth = auth(s);
    TailkeepConfig config =
        new TailkeepConfig(
            server(s, auth), sampler(s), cassandra(s), kafka, node(s, kafka), logging(s), query(s), auth);
    s.finish();
    return config;
  }

  /** The loopback interface: without tokens, nothing beyond this machine unless asked for. */
  public static final String LOOPBACK = "127.0.0.1";

  private static Auth auth(Settings s) {
    Optional<Path> tokensFile = s.path("auth.tokens_file");
    if (tokensFile.isPresent() && !Files.isRegularFile(tokensFile.get())) {
      s.problem("auth.tokens_file", "no such file: " + tokensFile.get());
    }
    return new Auth(tokensFile, s.flag("auth.metrics_needs_token", false), serverTls(s));
  }

  private static Optional<Tls> serverTls(Settings s) {
    Optional<Path> cert = s.path("server.tls.cert_file");
    Optional<Path> key = s.path("server.tls.key_file");
    Optional<Path> clientCa = s.path("server.tls.client_ca_file");
    for (var file : List.of(Map.entry("server.tls.cert_file", cert), Map.entry("server.tls.key_file", key),
        Map.entry("server.tls.client_ca_file", clientCa))) {
      if (file.getValue().isPresent() && !Files.isRegularFile(file.getValue().get())) {
        s.problem(file.getKey(), "no such file: " + file.getValue().get());
      }
    }
    if (cert.isPresent() != key.isPresent()) {
      s.problem(cert.isPresent() ? "server.tls.key_file" : "server.tls.cert_file",
          "server.tls.cert_file and server.tls.key_file go together");
      return Optional.empty();
    }
    if (clientCa.isPresent() && cert.isEmpty()) {
      s.problem("server.tls.client_ca_file", "needs server.tls.cert_file and server.tls.key_file");
      return Optional.empty();
    }
    return cert.map(c -> new Tls(c, key.orElseThrow(), clientCa));
  }

  private static Server server(Settings s, Auth auth) {
    return new Server(
        s.text("server.host", auth.isEnabled() ? "0.0.0.0" : LOOPBACK),
        s.port("server.grpc_port", GrpcReceiver.DEFAULT_PORT),
        s.port("server.http_port", HttpReceiver.DEFAULT_PORT),
        s.port("server.api_port", TailkeepServer.DEFAULT_API_PORT),
        (int) s.bytes("server.max_message_size", GrpcReceiver.DEFAULT_MAX_MESSAGE_BYTES, 1024, Integer.MAX_VALUE),
        new ReceiverLimits(
            s.integer("server.max_connections", ReceiverLimits.DEFAULT_MAX_CONNECTIONS, 1, 1_000_000),
            s.integer(
                "server.max_concurrent_streams", ReceiverLimits.DEFAULT_MAX_CONCURRENT_STREAMS, 1, 100_000),
            s.duration("server.idle_timeout", ReceiverLimits.DEFAULT_IDLE_TIMEOUT,
                Duration.ofSeconds(1), Duration.ofDays(1)),
            s.duration("server.read_timeout", ReceiverLimits.DEFAULT_READ_TIMEOUT,
                Duration.ofSeconds(1), Duration.ofHours(1))),
        s.duration(
            "server.shutdown_timeout",
            TailkeepServer.DEFAULT_SHUTDOWN_TIMEOUT,
            Duration.ZERO,
            Duration.ofHours(1)));
  }

  private static Sampler sampler(Settings s) {
    Optional<Path> rulesFile = s.path("sampler.rules_file");
    if (rulesFile.isPresent() && !Files.isRegularFile(rulesFile.get())) {
      s.problem("sampler.rules_file", "no such file: " + rulesFile.get());
    }
    Duration second = Duration.ofSeconds(1);
    Duration millisecond = Duration.ofMillis(1);
    Duration day = Duration.ofDays(1);
    Sampler sampler =
        new Sampler(
            rulesFile,
            s.path("sampler.candidate_rules_file"),
            s.bytes("sampler.buffer_size", TraceBuffer.DEFAULT_MAXIMUM_WEIGHT_BYTES, 1L << 20, MAX_BYTES),
            s.integer("sampler.max_spans_per_trace", TraceBuffer.DEFAULT_MAX_SPANS_PER_TRACE, 1, 1_000_000),
            s.duration("sampler.grace_period", TraceBuffer.DEFAULT_GRACE_PERIOD, millisecond, day),
            s.duration("sampler.idle_timeout", TraceBuffer.DEFAULT_IDLE_TIMEOUT, millisecond, day),
            s.duration("sampler.max_wait", TraceBuffer.DEFAULT_MAX_WAIT, millisecond, day),
            s.integer(
                "sampler.decision_cache_size",
                (int) TraceBuffer.DEFAULT_DECISION_CACHE_SIZE,
                1,
                100_000_000),
            s.duration(
                "sampler.decision_cache_expiry", TraceBuffer.DEFAULT_DECISION_CACHE_EXPIRY, second, day),
            s.bytes("sampler.store_queue_size", StoreQueue.DEFAULT_MAX_QUEUED_BYTES, 1L << 20, MAX_BYTES),
            s.duration("sampler.decision_ttl", CassandraStorage.DEFAULT_DECISION_TTL, Duration.ofMinutes(1), MAX_TTL),
            s.integer("sampler.threads", Runtime.getRuntime().availableProcessors(), 1, 256),
            s.path("sampler.dead_letter_directory"),
            s.bytes("sampler.dead_letter_size", DEFAULT_DEAD_LETTER_BYTES, 1L << 20, MAX_BYTES));
    if (sampler.maxWait().compareTo(sampler.gracePeriod()) < 0) {
      s.problem(
          "sampler.max_wait",
          "must not be shorter than sampler.grace_period ("
              + Settings.DURATIONS.format(sampler.gracePeriod()) + "), got "
              + Settings.DURATIONS.format(sampler.maxWait()));
    }
    return sampler;
  }

  private static Cassandra cassandra(Settings s) {
    List<InetSocketAddress> contactPoints =
        s.list("cassandra.contact_points").orElse(List.of()).stream()
            .map(point -> contactPoint(s, point))
            .toList();
    Optional<String> datacenter = s.optionalText("cassandra.local_datacenter");
    if (!contactPoints.isEmpty() && datacenter.isEmpty()) {
      s.problem(
          "cassandra.local_datacenter",
          "is required with cassandra.contact_points (the datacenter this server is in)");
    }
    Embedded embedded =
        new Embedded(
            s.path("cassandra.embedded.data_directory").orElse(Path.of("data").toAbsolutePath()),
            s.text("cassandra.embedded.max_heap", EmbeddedCassandra.DEFAULT_MAX_HEAP));
    if (!embedded.maxHeap().matches("\\d+[mMgG]")) {
      s.problem("cassandra.embedded.max_heap", "must be a JVM heap size such as 512M or 2G, got '"
          + embedded.maxHeap() + "'");
    }
    String keyspace = s.text("cassandra.keyspace", "tailkeep");
    if (!keyspace.matches("[a-z][a-z0-9_]{0,47}")) {
      s.problem("cassandra.keyspace",
          "must be a lower-case name of letters, digits and _ (at most 48), got '" + keyspace + "'");
    }
    Optional<String> username = s.optionalText("cassandra.username");
    Optional<String> password = s.optionalText("cassandra.password");
    if (username.isPresent() != password.isPresent()) {
      s.problem(username.isPresent() ? "cassandra.password" : "cassandra.username",
          "cassandra.username and cassandra.password go together");
    }
    Duration spanTtl = s.duration(
            "cassandra.span_ttl", CassandraStorage.DEFAULT_SPAN_TTL, Duration.ofMinutes(1), MAX_TTL);
    Optional<Duration> indexTtl =
        s.optionalText("cassandra.index_ttl").isPresent()
            ? Optional.of(s.duration("cassandra.index_ttl", spanTtl, Duration.ofMinutes(1), MAX_TTL))
            : Optional.empty();
    if (indexTtl.isPresent() && indexTtl.get().compareTo(spanTtl) > 0) {
      s.problem("cassandra.index_ttl", "must not be longer than cassandra.span_ttl ("
          + Settings.DURATIONS.format(spanTtl) + "), got " + Settings.DURATIONS.format(indexTtl.get()));
    }
    return new Cassandra(
        contactPoints,
        datacenter,
        embedded,
        keyspace,
        replication(s),
        s.choice("cassandra.consistency", "LOCAL_QUORUM", CONSISTENCY_LEVELS),
        username,
        password,
        tls(s),
        spanTtl,
        indexTtl,
        s.list("cassandra.indexed_tags").<Set<String>>map(Set::copyOf)
            .orElse(CassandraStorage.DEFAULT_INDEXED_TAG_KEYS),
        s.integer(
            "cassandra.max_tag_value_length", CassandraStorage.DEFAULT_MAX_TAG_VALUE_LENGTH, 1, 4096));
  }

  private static Replication replication(Settings s) {
    String strategy =
        s.choice(
            "cassandra.replication.strategy",
            "SimpleStrategy",
            List.of("SimpleStrategy", "NetworkTopologyStrategy"));
    int factor = s.integer("cassandra.replication.factor", 1, 1, 100);
    Optional<Map<String, Integer>> datacenters = s.counts("cassandra.replication.datacenters", 0, 100);
    if (strategy.equals("SimpleStrategy")) {
      if (datacenters.isPresent()) {
        s.problem("cassandra.replication.datacenters",
            "needs cassandra.replication.strategy: NetworkTopologyStrategy (SimpleStrategy takes factor)");
      }
      return Replication.simple(factor);
    }
    if (datacenters.isEmpty() || datacenters.get().isEmpty()) {
      s.problem("cassandra.replication.datacenters",
          "NetworkTopologyStrategy needs the replicas per datacenter, e.g. {dc1: 3}");
      return Replication.simple(factor);
    }
    return Replication.networkTopology(datacenters.get());
  }

  private static Optional<CassandraTls> tls(Settings s) {
    boolean enabled = s.flag("cassandra.tls.enabled", false);
    Optional<Path> truststore = s.path("cassandra.tls.truststore");
    Optional<String> truststorePassword = s.optionalText("cassandra.tls.truststore_password");
    Optional<Path> keystore = s.path("cassandra.tls.keystore");
    Optional<String> keystorePassword = s.optionalText("cassandra.tls.keystore_password");
    boolean hostnameValidation = s.flag("cassandra.tls.hostname_validation", true);
    for (var store : Map.of("cassandra.tls.truststore", truststore, "cassandra.tls.keystore", keystore).entrySet()) {
      if (store.getValue().isPresent() && !Files.isRegularFile(store.getValue().get())) {
        s.problem(store.getKey(), "no such file: " + store.getValue().get());
      }
    }
    if (truststorePassword.isPresent() && truststore.isEmpty()) {
      s.problem("cassandra.tls.truststore_password", "needs cassandra.tls.truststore");
    }
    if (keystorePassword.isPresent() && keystore.isEmpty()) {
      s.problem("cassandra.tls.keystore_password", "needs cassandra.tls.keystore");
    }
    if (!enabled) {
      if (truststore.isPresent() || keystore.isPresent()) {
        s.problem("cassandra.tls.enabled", "is false, but a trust store or key store is set");
      }
      return Optional.empty();
    }
    if (truststorePassword.isPresent() && truststore.isEmpty()
        || keystorePassword.isPresent() && keystore.isEmpty()) {
      return Optional.empty(); // reported above
    }
    return Optional.of(
        new CassandraTls(truststore, truststorePassword, keystore, keystorePassword, hostnameValidation));
  }

  private static InetSocketAddress contactPoint(Settings s, String point) {
    int colon = point.lastIndexOf(':');
    String host = colon < 0 ? point : point.substring(0, colon);
    String port = colon < 0 ? "9042" : point.substring(colon + 1);
    if (host.isEmpty() || !port.matches("\\d{1,5}") || Integer.parseInt(port) > 65_535) {
      s.problem("cassandra.contact_points", "'" + point + "' must be HOST or HOST:PORT");
      return InetSocketAddress.createUnresolved("invalid", 9042);
    }
    return InetSocketAddress.createUnresolved(host, Integer.parseInt(port));
  }

  private static Kafka kafka(Settings s) {
    List<String> servers = s.list("kafka.bootstrap_servers").orElse(List.of());
    for (String server : servers) {
      if (!server.matches("[^:\\s]+:\\d{1,5}")) {
        s.problem("kafka.bootstrap_servers", "'" + server + "' must be HOST:PORT");
      }
    }
    String topic = s.text("kafka.topic", SpansTopic.DEFAULT_TOPIC);
    if (!topic.matches("[a-zA-Z0-9._-]{1,249}")) {
      s.problem("kafka.topic", "must be 1 to 249 letters, digits, '.', '_' or '-', got '" + topic + "'");
    }
    return new Kafka(
        servers,
        topic,
        s.integer("kafka.partitions", SpansTopic.DEFAULT_PARTITIONS, 1, 10_000),
        (short) s.integer("kafka.replication_factor", SpansTopic.DEFAULT_REPLICATION_FACTOR, 1, 32),
        s.textMap("kafka.client").orElse(Map.of()));
  }

  private static Node node(Settings s, Kafka kafka) {
    String name = s.text("node.name", hostName());
    if (!name.matches("[A-Za-z0-9._-]{1,200}")) {
      s.problem("node.name", "must be 1 to 200 letters, digits, '.', '_' or '-', got '" + name + "'");
    }
    List<String> names = s.list("node.roles").orElse(List.of("ingest", "sampler", "query"));
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String role : names) {
      try {
        roles.add(Role.valueOf(role.toUpperCase(java.util.Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        s.problem("node.roles", "'" + role + "' is not a role; the roles are ingest, sampler and query");
      }
    }
    if (names.isEmpty()) {
      s.problem("node.roles", "must name at least one of ingest, sampler and query");
    }
    if (!kafka.isEnabled() && !roles.isEmpty() && roles.size() < Role.values().length) {
      s.problem("node.roles", "a node with only some roles needs kafka.bootstrap_servers:"
          + " without Kafka one process does everything");
    }
    return new Node(name, Set.copyOf(roles.isEmpty() ? EnumSet.allOf(Role.class) : roles));
  }

  private static String hostName() {
    String fromEnv = System.getenv("HOSTNAME");
    if (fromEnv != null && fromEnv.matches("[A-Za-z0-9._-]{1,200}")) {
      return fromEnv;
    }
    try {
      String host = java.net.InetAddress.getLocalHost().getHostName();
      return host.matches("[A-Za-z0-9._-]{1,200}") ? host : "tailkeep";
    } catch (java.io.IOException e) {
      return "tailkeep";
    }
  }

  private static Query query(Settings s) {
    QueryApiOptions api = QueryApiOptions.defaults();
    Query query = new Query(
        s.integer("query.max_trace_spans", api.maxTraceSpans(), 1, 1_000_000),
        s.duration("query.timeout", api.storageTimeout(), Duration.ofMillis(100), Duration.ofMinutes(10)),
        s.duration("query.retry_after", api.retryAfter(), Duration.ofSeconds(1), Duration.ofHours(1)),
        s.integer("query.max_jaeger_limit", api.maxJaegerLimit(), 1, TraceQuery.MAX_LIMIT),
        s.integer("query.max_reads_in_flight", CassandraStorage.DEFAULT_MAX_READS_IN_FLIGHT, 1, 65_536),
        s.integer("query.max_reads_waiting", CassandraStorage.DEFAULT_MAX_READS_WAITING, 0, 10_000_000),
        s.integer("query.search_threads", CassandraStorage.DEFAULT_SEARCH_THREADS, 1, 256),
        s.integer("query.search_queue", CassandraStorage.DEFAULT_SEARCH_QUEUE, 1, 100_000),
        s.integer(
            "query.max_search_partitions", CassandraStorage.DEFAULT_MAX_SEARCH_PARTITIONS, 1, 1_000_000),
        logsLink(s));
    if (query.retryAfter().getNano() != 0) {
      s.problem("query.retry_after", "must be whole seconds (it is sent as Retry-After), got "
          + Settings.DURATIONS.format(query.retryAfter()));
    }
    return query;
  }

  /** {@code query.logs_link} (a URL template) and its text {@code query.logs_link_name}. */
  private static Optional<LogsLink> logsLink(Settings s) {
    Optional<String> template = s.optionalText("query.logs_link");
    String name = s.text("query.logs_link_name", LogsLink.DEFAULT_NAME);
    if (template.isEmpty()) {
      return Optional.empty();
    }
    List<String> problems = LogsLink.problems(template.get());
    if (!problems.isEmpty()) {
      problems.forEach(problem -> s.problem("query.logs_link", problem));
      return Optional.empty();
    }
    if (name.isBlank()) {
      s.problem("query.logs_link_name", "must not be blank");
      return Optional.empty();
    }
    return Optional.of(new LogsLink(name, template.get()));
  }

  private static Logging logging(Settings s) {
    return new Logging(
        s.choice("logging.format", "text", List.of("text", "json")),
        s.choice("logging.level", "INFO", List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE")));
  }
}

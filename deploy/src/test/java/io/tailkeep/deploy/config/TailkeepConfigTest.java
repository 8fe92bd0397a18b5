package io.tailkeep.deploy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailkeep.collector.ReceiverLimits;
import io.tailkeep.store.cassandra.Replication;
import io.tailkeep.ui.web.LogsLink;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TailkeepConfigTest {

  @TempDir Path dir;

  private TailkeepConfig parse(String yaml) throws ConfigException {
    return parse(yaml, Map.of());
  }

  private TailkeepConfig parse(String yaml, Map<String, String> env) throws ConfigException {
    return TailkeepConfig.parse("tailkeep.yaml", dir, yaml, env);
  }

  private List<String> problems(String yaml, Map<String, String> env) {
    try {
      parse(yaml, env);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected the config to be refused: " + yaml + " " + env);
  }

  private List<String> problems(String yaml) {
    return problems(yaml, Map.of());
  }

  @Test
  void withoutAFileEverythingHasItsDocumentedDefault() throws ConfigException {
    TailkeepConfig config = TailkeepConfig.load(Map.of());

    assertThat(config.server())
        .isEqualTo(new TailkeepConfig.Server("127.0.0.1", 4317, 4318, 16686, 4 << 20,
            ReceiverLimits.DEFAULTS, Duration.ofSeconds(30)));
    assertThat(config.auth()).isEqualTo(new TailkeepConfig.Auth(java.util.Optional.empty(), false, java.util.Optional.empty()));
    assertThat(config.sampler().rulesFile()).isEmpty();
    assertThat(config.sampler().bufferBytes()).isEqualTo(256L << 20);
    assertThat(config.sampler().gracePeriod()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.sampler().idleTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.sampler().maxWait()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.sampler().storeQueueBytes()).isEqualTo(128L << 20);
    assertThat(config.sampler().deadLetterDirectory()).isEmpty();
    assertThat(config.deadLetterDirectory()).isEqualTo(Path.of("data", "dead-letter").toAbsolutePath());
    assertThat(config.sampler().deadLetterBytes()).isEqualTo(256L << 20);
    assertThat(config.cassandra().isEmbedded()).isTrue();
    assertThat(config.cassandra().embedded().dataDirectory())
        .isEqualTo(Path.of("data").toAbsolutePath());
    assertThat(config.cassandra().keyspace()).isEqualTo("tailkeep");
    assertThat(config.cassandra().replication()).isEqualTo(Replication.simple(1));
    assertThat(config.cassandra().consistency()).isEqualTo("LOCAL_QUORUM");
    assertThat(config.cassandra().tls()).isEmpty();
    assertThat(config.cassandra().spanTtl()).isEqualTo(Duration.ofDays(7));
    assertThat(config.cassandra().indexTtl()).isEmpty();
    assertThat(config.cassandra().indexedTags()).contains("http.route", "enduser.role");
    assertThat(config.logging()).isEqualTo(new TailkeepConfig.Logging("text", "INFO"));
  }

  @Test
  void theShippedExampleConfigIsValidAndSaysTheDefaults() throws Exception {
    Path example = Path.of("config/tailkeep.yaml");
    TailkeepConfig shipped = TailkeepConfig.load(example, Map.of());
    TailkeepConfig defaults = TailkeepConfig.load(Map.of());

    assertThat(shipped.server()).isEqualTo(defaults.server());
    assertThat(shipped.sampler().rulesFile()).isEmpty(); // the shipped defaults
    assertThat(shipped.sampler().deadLetterBytes()).isEqualTo(defaults.sampler().deadLetterBytes());
    assertThat(shipped.deadLetterDirectory())
        .isEqualTo(shipped.cassandra().embedded().dataDirectory().resolve("dead-letter"));
    assertThat(shipped.cassandra().keyspace()).isEqualTo(defaults.cassandra().keyspace());
    assertThat(shipped.cassandra().indexedTags()).isEqualTo(defaults.cassandra().indexedTags());
    assertThat(shipped.logging()).isEqualTo(defaults.logging());
    assertThat(shipped.query()).isEqualTo(defaults.query());
    assertThat(defaults.query())
        .isEqualTo(new TailkeepConfig.Query(10_000, Duration.ofSeconds(30), Duration.ofSeconds(1), 500, 64, 10_000, 4,
            64, 1_000, Optional.empty()));
  }

  @Test
  void queryBoundsAreReadAndChecked() throws Exception {
    TailkeepConfig config =
        parse(
            """
            query:
              max_trace_spans: 2000
              timeout: 5s
              retry_after: 3s
              max_jaeger_limit: 100
              max_reads_in_flight: 16
              max_reads_waiting: 500
              search_threads: 2
              search_queue: 8
              max_search_partitions: 200
              logs_link: "https://grafana.example/explore?query={traceId}&from={startMs}&to={endMs}"
              logs_link_name: Logs in Loki
            """);
    assertThat(config.query())
        .isEqualTo(new TailkeepConfig.Query(2000, Duration.ofSeconds(5), Duration.ofSeconds(3), 100, 16, 500, 2, 8, 200,
            Optional.of(new LogsLink("Logs in Loki",
                "https://grafana.example/explore?query={traceId}&from={startMs}&to={endMs}"))));
    assertThatThrownBy(() -> parse("query:\n  logs_link: \"https://logs.example/?t={trace_id}\"\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("query.logs_link")
        .hasMessageContaining("unknown placeholder {trace_id}");
    assertThatThrownBy(() -> parse("query:\n  logs_link: \"logs.example/{traceId}\"\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("must be an absolute http or https URL");
    assertThatThrownBy(() -> parse("query:\n  max_jaeger_limit: 20000\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("query.max_jaeger_limit");
    assertThatThrownBy(() -> parse("query:\n  retry_after: 1500ms\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("query.retry_after")
        .hasMessageContaining("whole seconds");
  }

  @Test
  void aFullFileIsRead() throws Exception {
    Path rules = Files.writeString(dir.resolve("rules.yaml"), "version: 1\n");
    Path truststore = Files.writeString(dir.resolve("trust.p12"), "x");
    TailkeepConfig config =
        parse(
            """
            server:
              host: 127.0.0.1
              grpc_port: 14317
              http_port: 14318
              api_port: 26686
              max_message_size: 8MiB
              max_connections: 500
              max_concurrent_streams: 20
              idle_timeout: 2m
              read_timeout: 10s
              shutdown_timeout: 1m
            sampler:
              rules_file: rules.yaml
              candidate_rules_file: candidate.yaml
              buffer_size: 1GiB
              max_spans_per_trace: 5000
              grace_period: 1500ms
              idle_timeout: 20s
              max_wait: 1m
              decision_cache_size: 1_000
              decision_cache_expiry: 10m
              store_queue_size: 64MB
              decision_ttl: 2h
              threads: 3
              dead_letter_directory: refused
              dead_letter_size: 64MiB
            kafka:
              bootstrap_servers: [kafka-1:9092, kafka-2:9092]
              topic: spans
              partitions: 12
              replication_factor: 2
              client:
                security.protocol: SSL
                ssl.truststore.location: /etc/kafka/trust.p12
            node:
              name: sampler-0
              roles: [sampler]
            cassandra:
              contact_points: [cass1, "cass2:9142"]
              local_datacenter: dc1
              keyspace: traces
              replication:
                strategy: NetworkTopologyStrategy
                datacenters: {dc1: 3, dc2: 2}
              consistency: local_one
              username: tailkeep
              password: secret
              tls:
                enabled: true
                truststore: trust.p12
                truststore_password: changeit
                hostname_validation: false
              span_ttl: 14d
              index_ttl: 3d
              indexed_tags: [http.route, tenant]
              max_tag_value_length: 100
            logging:
              format: JSON
              level: debug
            """);

    assertThat(config.server())
        .isEqualTo(
            new TailkeepConfig.Server("127.0.0.1", 14317, 14318, 26686, 8 << 20,
                new ReceiverLimits(500, 20, Duration.ofMinutes(2), Duration.ofSeconds(10)),
                Duration.ofMinutes(1)));
    assertThat(config.sampler())
        .isEqualTo(
            new TailkeepConfig.Sampler(
                Optional.of(rules),
                Optional.of(rules.resolveSibling("candidate.yaml")),
                1L << 30,
                5000,
                Duration.ofMillis(1500),
                Duration.ofSeconds(20),
                Duration.ofMinutes(1),
                1000,
                Duration.ofMinutes(10),
                64_000_000,
                Duration.ofHours(2),
                3,
                Optional.of(dir.resolve("refused")),
                64L << 20));
    assertThat(config.kafka())
        .isEqualTo(
            new TailkeepConfig.Kafka(
                List.of("kafka-1:9092", "kafka-2:9092"),
                "spans",
                12,
                (short) 2,
                Map.of("security.protocol", "SSL", "ssl.truststore.location", "/etc/kafka/trust.p12")));
    assertThat(config.node())
        .isEqualTo(new TailkeepConfig.Node("sampler-0", Set.of(TailkeepConfig.Role.SAMPLER)));
    TailkeepConfig.Cassandra cassandra = config.cassandra();
    assertThat(cassandra.isEmbedded()).isFalse();
    assertThat(cassandra.contactPoints())
        .containsExactly(
            InetSocketAddress.createUnresolved("cass1", 9042),
            InetSocketAddress.createUnresolved("cass2", 9142));
    assertThat(cassandra.localDatacenter()).contains("dc1");
    assertThat(cassandra.keyspace()).isEqualTo("traces");
    assertThat(cassandra.replication())
        .isEqualTo(Replication.networkTopology(Map.of("dc1", 3, "dc2", 2)));
    assertThat(cassandra.consistency()).isEqualTo("LOCAL_ONE");
    assertThat(cassandra.username()).contains("tailkeep");
    assertThat(cassandra.password()).contains("secret");
    assertThat(cassandra.tls()).hasValueSatisfying(tls -> {
      assertThat(tls.truststore()).contains(truststore);
      assertThat(tls.truststorePassword()).contains("changeit");
      assertThat(tls.keystore()).isEmpty();
      assertThat(tls.hostnameValidation()).isFalse();
    });
    assertThat(cassandra.spanTtl()).isEqualTo(Duration.ofDays(14));
    assertThat(cassandra.indexTtl()).contains(Duration.ofDays(3));
    assertThat(cassandra.indexedTags()).containsExactlyInAnyOrder("http.route", "tenant");
    assertThat(cassandra.maxTagValueLength()).isEqualTo(100);
    assertThat(config.logging()).isEqualTo(new TailkeepConfig.Logging("json", "DEBUG"));
  }

  @Test
  void environmentVariablesOverrideTheFile() throws ConfigException {
    TailkeepConfig config =
        parse(
            "server:\n  grpc_port: 14317\ncassandra:\n  keyspace: fromfile\n",
            Map.of(
                "TAILKEEP_SERVER_GRPC_PORT", "24317",
                "TAILKEEP_CASSANDRA_CONTACT_POINTS", "a:9043, b",
                "TAILKEEP_CASSANDRA_LOCAL_DATACENTER", "east",
                "TAILKEEP_CASSANDRA_REPLICATION_STRATEGY", "NetworkTopologyStrategy",
                "TAILKEEP_CASSANDRA_REPLICATION_DATACENTERS", "east:3,west:1",
                "TAILKEEP_LOGGING_FORMAT", "json",
                "PATH", "/usr/bin"));

    assertThat(config.server().grpcPort()).isEqualTo(24317);
    assertThat(config.cassandra().keyspace()).isEqualTo("fromfile");
    assertThat(config.cassandra().contactPoints())
        .containsExactly(
            InetSocketAddress.createUnresolved("a", 9043),
            InetSocketAddress.createUnresolved("b", 9042));
    assertThat(config.cassandra().replication())
        .isEqualTo(Replication.networkTopology(Map.of("east", 3, "west", 1)));
    assertThat(config.logging().format()).isEqualTo("json");
  }

  @Test
  void pathsInTheFileAreRelativeToItsDirectoryAndFromTheEnvironmentToTheWorkingDirectory()
      throws Exception {
    Path sub = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(sub.resolve("rules.yaml"), "version: 1\n");
    Path file =
        Files.writeString(
            sub.resolve("tailkeep.yaml"),
            "sampler:\n  rules_file: rules.yaml\ncassandra:\n  embedded:\n    data_directory: ../store\n");

    TailkeepConfig config = TailkeepConfig.load(file, Map.of());
    assertThat(config.sampler().rulesFile()).contains(sub.resolve("rules.yaml"));
    assertThat(config.cassandra().embedded().dataDirectory()).isEqualTo(dir.resolve("store"));

    TailkeepConfig fromEnv =
        TailkeepConfig.load(file, Map.of("TAILKEEP_CASSANDRA_EMBEDDED_DATA_DIRECTORY", "here"));
    assertThat(fromEnv.cassandra().embedded().dataDirectory())
        .isEqualTo(Path.of("here").toAbsolutePath());
  }

  @Test
  void anUnknownKeyIsNamedWithItsLineAndTheLikelyMeant() {
    assertThat(problems("server:\n  grcp_port: 4317\nsamplr:\n  x: 1\n"))
        .containsExactly(
            "tailkeep.yaml:2:3: server.grcp_port: unknown key (did you mean 'server.grpc_port'?)",
            "tailkeep.yaml:3:1: samplr: unknown key");
  }

  @Test
  void aKeyThatExtendsAKnownOneGetsItSuggestedAndAKeyThatIsNoWordIsRefused() {
    assertThat(problems("server:\n  grpc_port_number: 4317\n"))
        .containsExactly(
            "tailkeep.yaml:2:3: server.grpc_port_number: unknown key (did you mean 'server.grpc_port'?)");
    assertThat(problems("server:\n  [a]: 1\n"))
        .containsExactly("tailkeep.yaml:2:3: server: keys must be words");
  }

  @Test
  void aWrongTypeNamesTheKeyTheValueAndWhatIsExpected() {
    assertThat(problems("server:\n  grpc_port: fast\n  shutdown_timeout: 30\n"))
        .containsExactly(
            "tailkeep.yaml:2:14: server.grpc_port: must be a whole number from 0 to 65535, got 'fast'",
            "tailkeep.yaml:3:21: server.shutdown_timeout: must be a duration from 0ms to 1h with a unit"
                + " of ms, s, m, h or d (e.g. 30s), got '30'");
    assertThat(problems("server: 4317\n"))
        .containsExactly("tailkeep.yaml:1:9: server: must be a mapping of settings, not a value");
    assertThat(problems("cassandra:\n  contact_points: cass1\n"))
        .containsExactly("tailkeep.yaml:2:19: cassandra.contact_points: must be a list, e.g. [a, b]");
    assertThat(problems("server:\n  host: [a, b]\n"))
        .containsExactly("tailkeep.yaml:2:9: server.host: must be a single value, not a list");
    assertThat(problems("cassandra:\n  tls:\n    enabled: yes-please\n"))
        .containsExactly(
            "tailkeep.yaml:3:14: cassandra.tls.enabled: must be true or false, got 'yes-please'");
  }

  @Test
  void aDeadLetterSizeBelowOneMebibyteIsRefused() {
    assertThat(problems("sampler:\n  dead_letter_size: 1000\n"))
        .singleElement().asString().contains("sampler.dead_letter_size").contains("1000");
  }

  @Test
  void anImpossibleValueNamesTheKeyAndTheValue() {
    assertThat(problems("server:\n  api_port: 70000\n"))
        .containsExactly(
            "tailkeep.yaml:2:13: server.api_port: must be a whole number from 0 to 65535, got '70000'");
    assertThat(problems("sampler:\n  buffer_size: 12 parsecs\n"))
        .singleElement().asString().contains("sampler.buffer_size").contains("'12 parsecs'");
    assertThat(problems("sampler:\n  grace_period: 10s\n  max_wait: 5s\n"))
        .containsExactly(
            "tailkeep.yaml:3:13: sampler.max_wait: must not be shorter than sampler.grace_period (10s), got 5s");
    assertThat(problems("cassandra:\n  consistency: LOCAL_QUROM\n"))
        .singleElement().asString()
        .isEqualTo("tailkeep.yaml:2:16: cassandra.consistency: must be one of ANY, ONE, TWO, THREE,"
            + " QUORUM, ALL, LOCAL_ONE, LOCAL_QUORUM, EACH_QUORUM, got 'LOCAL_QUROM'");
    assertThat(problems("cassandra:\n  span_ttl: 1d\n  index_ttl: 2d\n"))
        .containsExactly(
            "tailkeep.yaml:3:14: cassandra.index_ttl: must not be longer than cassandra.span_ttl (1d), got 2d");
    assertThat(problems("cassandra:\n  keyspace: Traces-Prod\n"))
        .singleElement().asString().startsWith("tailkeep.yaml:2:13: cassandra.keyspace:").contains("'Traces-Prod'");
  }

  @Test
  void aMissingRulesFileIsAnErrorNotAnEmptyRuleSet() {
    assertThat(problems("sampler:\n  rules_file: nowhere.yaml\n"))
        .containsExactly(
            "tailkeep.yaml:2:15: sampler.rules_file: no such file: " + dir.resolve("nowhere.yaml"));
  }

  @Test
  void externalCassandraNeedsItsDatacenterAndConsistentSettings() {
    assertThat(problems("cassandra:\n  contact_points: [db1]\n"))
        .containsExactly(
            "tailkeep.yaml: cassandra.local_datacenter: is required with cassandra.contact_points"
                + " (the datacenter this server is in)");
    assertThat(problems("cassandra:\n  contact_points: ['db1:x']\n  local_datacenter: dc1\n"))
        .containsExactly("tailkeep.yaml:2:19: cassandra.contact_points: 'db1:x' must be HOST or HOST:PORT");
    assertThat(problems("cassandra:\n  replication:\n    strategy: NetworkTopologyStrategy\n"))
        .singleElement().asString().contains("cassandra.replication.datacenters: NetworkTopologyStrategy needs");
    assertThat(problems("cassandra:\n  replication:\n    datacenters: {dc1: three}\n"))
        .containsExactly(
            "tailkeep.yaml:3:24: cassandra.replication.datacenters.dc1: must be a whole number from 0 to 100,"
                + " got 'three'");
    assertThat(problems("cassandra:\n  username: tailkeep\n"))
        .containsExactly(
            "tailkeep.yaml: cassandra.password: cassandra.username and cassandra.password go together");
    assertThat(problems("cassandra:\n  tls:\n    truststore: missing.p12\n"))
        .contains(
            "tailkeep.yaml:3:17: cassandra.tls.truststore: no such file: " + dir.resolve("missing.p12"));
  }

  @Test
  void badEnvironmentValuesNameTheVariable() {
    assertThat(problems("", Map.of("TAILKEEP_SERVER_HTTP_PORT", "http")))
        .containsExactly(
            "environment variable TAILKEEP_SERVER_HTTP_PORT: server.http_port: must be a whole number"
                + " from 0 to 65535, got 'http'");
    assertThat(problems("", Map.of("TAILKEEP_CASSANDRA_REPLICATION_DATACENTERS", "dc1=3")))
        .contains(
            "environment variable TAILKEEP_CASSANDRA_REPLICATION_DATACENTERS:"
                + " cassandra.replication.datacenters: 'dc1=3' must be NAME:COUNT with COUNT a whole"
                + " number from 0 to 100");
  }

  @Test
  void withoutKafkaANodeDoesEverythingAndSplitRolesAreRefused() throws ConfigException {
    TailkeepConfig defaults = TailkeepConfig.load(Map.of());
    assertThat(defaults.kafka().isEnabled()).isFalse();
    assertThat(defaults.kafka().topic()).isEqualTo("tailkeep-spans");
    assertThat(defaults.kafka().partitions()).isEqualTo(64);
    assertThat(defaults.kafka().replicationFactor()).isEqualTo((short) 3);
    assertThat(defaults.node().roles()).containsExactlyInAnyOrder(TailkeepConfig.Role.values());
    assertThat(defaults.sampler().decisionTtl()).isEqualTo(Duration.ofHours(1));

    assertThat(problems("node:\n  roles: [ingest]\n"))
        .singleElement().asString()
        .contains("node.roles: a node with only some roles needs kafka.bootstrap_servers");
    assertThat(problems("kafka:\n  bootstrap_servers: [broker]\nnode:\n  roles: [ingest, writer]\n  name: 'a b'\n"))
        .anySatisfy(p -> assertThat(p).contains("kafka.bootstrap_servers: 'broker' must be HOST:PORT"))
        .anySatisfy(p -> assertThat(p).contains("node.roles: 'writer' is not a role; the roles are ingest, sampler and query"))
        .anySatisfy(p -> assertThat(p).contains("node.name: must be 1 to 200 letters"))
        .hasSize(3);
  }

  @Test
  void kafkaClientSettingsComeFromTheEnvironmentOnePerLine() throws ConfigException {
    TailkeepConfig config = TailkeepConfig.load(Map.of(
        "TAILKEEP_KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092",
        "TAILKEEP_KAFKA_CLIENT", "security.protocol=SASL_SSL\nsasl.jaas.config=x required user=\"a\";\n",
        "TAILKEEP_NODE_ROLES", "ingest,query"));

    assertThat(config.kafka().bootstrapServers()).containsExactly("k1:9092", "k2:9092");
    assertThat(config.kafka().client())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.jaas.config", "x required user=\"a\";");
    assertThat(config.node().roles())
        .containsExactlyInAnyOrder(TailkeepConfig.Role.INGEST, TailkeepConfig.Role.QUERY);
    assertThat(config.usesCassandra()).as("ingest and query").isTrue();
    TailkeepConfig ingestOnly = TailkeepConfig.load(Map.of(
        "TAILKEEP_KAFKA_BOOTSTRAP_SERVERS", "k1:9092", "TAILKEEP_NODE_ROLES", "ingest"));
    assertThat(ingestOnly.usesCassandra()).as("ingest only").isFalse();
    assertThat(TailkeepConfig.load(Map.of()).usesCassandra()).as("the all-in-one").isTrue();
    assertThat(problems("", Map.of("TAILKEEP_KAFKA_CLIENT", "no-equals-sign")))
        .singleElement().asString()
        .contains("TAILKEEP_KAFKA_CLIENT: kafka.client: each line must be NAME=VALUE, got 'no-equals-sign'");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    assertThat(problems("server:\n  grpc_port: -1\n  http_port: x\nlogging:\n  format: xml\n  colour: red\n"))
        .hasSize(4);
  }

  @Test
  void yamlThatDoesNotParseIsNamedWithItsPlace() {
    assertThat(problems("server:\n  grpc_port: [4317\n"))
        .singleElement().asString().startsWith("tailkeep.yaml:3:1: not valid YAML:");
    assertThat(problems("- a\n- b\n"))
        .containsExactly("tailkeep.yaml:1:1: the config must be a mapping of sections");
    assertThat(problems("server:\n  grpc_port: 1\n  grpc_port: 2\n"))
        .containsExactly("tailkeep.yaml:3:3: server.grpc_port: appears twice");
  }

  @Test
  void emptyFilesAndEmptySectionsMeanDefaults() throws ConfigException {
    assertThat(parse("")).isEqualTo(TailkeepConfig.load(Map.of()));
    assertThat(parse("# nothing set\nserver:\nsampler: ~\n")).isEqualTo(TailkeepConfig.load(Map.of()));
  }

  @Test
  void anUnreadableFileIsNamed() {
    Path missing = dir.resolve("absent.yaml");
    assertThatThrownBy(() -> TailkeepConfig.load(missing, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(missing + ": cannot read the config file: NoSuchFileException");
  }

  @Test
  void withoutTokensTheServerListensOnLoopbackUnlessTheHostIsSet() throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens.yaml"), "[]");

    assertThat(parse("").server().host()).isEqualTo("127.0.0.1");
    assertThat(parse("server:\n  host: 0.0.0.0\n").server().host()).isEqualTo("0.0.0.0");
    assertThat(parse("", Map.of("TAILKEEP_SERVER_HOST", "10.0.0.5")).server().host()).isEqualTo("10.0.0.5");
    TailkeepConfig withTokens = parse("auth:\n  tokens_file: tokens.yaml\n");
    assertThat(withTokens.auth().tokensFile()).contains(tokens);
    assertThat(withTokens.server().host()).isEqualTo("0.0.0.0");
    assertThat(parse("auth:\n  tokens_file: tokens.yaml\nserver:\n  host: 127.0.0.1\n").server().host())
        .isEqualTo("127.0.0.1");
    assertThat(parse("auth:\n  metrics_needs_token: true\n").auth().metricsNeedsToken()).isTrue();
  }

  @Test
  void tlsFilesGoTogetherAndMustExist() throws Exception {
    Files.writeString(dir.resolve("server.crt"), "x");
    Files.writeString(dir.resolve("server.key"), "x");
    Files.writeString(dir.resolve("ca.crt"), "x");

    TailkeepConfig.Tls tls =
        parse("server:\n  tls:\n    cert_file: server.crt\n    key_file: server.key\n    client_ca_file: ca.crt\n")
            .auth().tls().orElseThrow();
    assertThat(tls).isEqualTo(new TailkeepConfig.Tls(
        dir.resolve("server.crt"), dir.resolve("server.key"), java.util.Optional.of(dir.resolve("ca.crt"))));
    assertThat(parse("").auth().tls()).isEmpty();
    assertThat(problems("server:\n  tls:\n    cert_file: server.crt\n"))
        .containsExactly("tailkeep.yaml: server.tls.key_file: server.tls.cert_file and server.tls.key_file go together");
    assertThat(problems("server:\n  tls:\n    client_ca_file: ca.crt\n"))
        .containsExactly("tailkeep.yaml:3:21: server.tls.client_ca_file: needs server.tls.cert_file and server.tls.key_file");
    assertThat(problems("server:\n  tls:\n    cert_file: nowhere.crt\n    key_file: server.key\n"))
        .containsExactly("tailkeep.yaml:3:16: server.tls.cert_file: no such file: " + dir.resolve("nowhere.crt"));
  }

  @Test
  void aMissingTokensFileIsAnError() {
    assertThat(problems("auth:\n  tokens_file: nowhere.yaml\n"))
        .containsExactly("tailkeep.yaml:2:16: auth.tokens_file: no such file: " + dir.resolve("nowhere.yaml"));
    assertThat(problems("", Map.of("TAILKEEP_AUTH_TOKENS_FILE", "/no/such/tokens.yaml")))
        .containsExactly("environment variable TAILKEEP_AUTH_TOKENS_FILE: auth.tokens_file: no such file: "
            + Path.of("/no/such/tokens.yaml"));
  }

  @Test
  void passwordsNeverAppearInToString() throws Exception {
    Files.writeString(dir.resolve("trust.p12"), "x");
    Files.writeString(dir.resolve("client.p12"), "x");
    TailkeepConfig config =
        parse(
            """
            cassandra:
              contact_points: [db1]
              local_datacenter: dc1
              username: tailkeep
              password: pw-cassandra-1234
              tls:
                enabled: true
                truststore: trust.p12
                truststore_password: pw-truststore-1234
                keystore: client.p12
                keystore_password: pw-keystore-1234
            """);

    assertThat(config.cassandra().password()).contains("pw-cassandra-1234");
    for (String text : List.of(config.toString(), config.cassandra().toString())) {
      assertThat(text).doesNotContain("pw-").contains("username=Optional[tailkeep]", "password=(set)",
          "truststorePassword=(set)", "keystorePassword=(set)", "keyspace=tailkeep");
    }
  }

  @Test
  void kafkaClientSettingsShowOnlyTheirNames() throws ConfigException {
    TailkeepConfig config =
        parse(
            """
            kafka:
              bootstrap_servers: [kafka-1:9092]
              client:
                security.protocol: SASL_SSL
                sasl.jaas.config: 'org.apache.kafka.common.security.plain.PlainLoginModule required username="t" password="pw-kafka-1234";'
                ssl.key.password: pw-key-1234
            """);

    assertThat(config.kafka().client()).containsEntry("ssl.key.password", "pw-key-1234");
    for (String text : List.of(config.toString(), config.kafka().toString())) {
      assertThat(text).doesNotContain("pw-", "SASL_SSL")
          .contains("client=[sasl.jaas.config, security.protocol, ssl.key.password]",
              "bootstrapServers=[kafka-1:9092]");
    }
  }

  @Test
  void everyKeyIsDocumentedInTheReadme() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    Settings settings = Settings.fromEnvironment(Map.of());
    // Reading the defaults asks for every key once.
    try {
      TailkeepConfig.read(settings);
    } catch (ConfigException e) {
      throw new AssertionError(e);
    }
    assertThat(settings.knownKeys()).isNotEmpty().allSatisfy(key -> assertThat(readme).contains("`" + key + "`"));
  }
}

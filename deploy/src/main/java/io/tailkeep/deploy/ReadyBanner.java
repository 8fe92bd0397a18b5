package io.tailkeep.deploy;

import io.tailkeep.deploy.config.TailkeepConfig;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** What {@code run} prints once it is ready: where to send traces and where to look at them. */
final class ReadyBanner {

  private ReadyBanner() {}

  static String text(
      TailkeepConfig config,
      TailkeepServer server,
      List<InetSocketAddress> contactPoints,
      String datacenter) {
    String host = displayHost(config.server().host());
    String scheme = config.auth().tls().isPresent() ? "https://" : "http://";
    String api = scheme + host + ":" + server.apiPort();
    String cassandra =
        !config.usesCassandra()
            ? "not used by an ingest-only node"
            : config.cassandra().isEmbedded()
                ? "embedded node at " + address(contactPoints.get(0)) + ", data in "
                    + config.cassandra().embedded().dataDirectory() + ", keyspace " + config.cassandra().keyspace()
                : contactPoints.stream().map(ReadyBanner::address).collect(Collectors.joining(", "))
                    + " (datacenter " + datacenter + "), keyspace " + config.cassandra().keyspace();
    String rules =
        config.sampler().rulesFile().map(f -> f + " (reloaded when it changes)")
            .orElse("the shipped default rules");
    TailkeepConfig.Node node = config.node();
    List<String> lines = new ArrayList<>();
    lines.add("Tailkeep is ready.");
    if (config.kafka().isEnabled()) {
      lines.add("");
      lines.add("Node " + node.name() + ", roles "
          + node.roles().stream().sorted().map(TailkeepConfig.Role::configName).collect(Collectors.joining(", "))
          + "; spans topic " + config.kafka().topic() + " on Kafka "
          + String.join(",", config.kafka().bootstrapServers()));
    }
    if (server.grpcPort() >= 0) {
      lines.addAll(List.of(
          "",
          "Send traces with OTLP:",
          "  gRPC  " + host + ":" + server.grpcPort()
              + "    OTEL_EXPORTER_OTLP_ENDPOINT=" + scheme + host + ":" + server.grpcPort(),
          "  HTTP  " + scheme + host + ":" + server.httpPort() + "/v1/traces"
              + "    OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf OTEL_EXPORTER_OTLP_ENDPOINT=" + scheme
              + host + ":" + server.httpPort()));
    }
    lines.add("");
    if (node.has(TailkeepConfig.Role.QUERY)) {
      lines.addAll(List.of(
          "Look at them:",
          "  web UI         " + api + "/",
          "  query API      " + api + "/api/v1/traces?service=NAME&sort=duration",
          "  Grafana        add a Jaeger data source with URL " + api,
          "  sampling       " + api + "/api/v1/sampling/rules"));
    }
    lines.addAll(List.of(
        "  metrics        " + api + "/metrics    health: " + api + "/health/ready",
        "",
        "Rules:     " + rules,
        "Cassandra: " + cassandra,
        "Access:    " + access(config),
        "Try it:    ./tailkeep demo",
        config.kafka().isEnabled()
            ? "Ctrl-C or SIGTERM stops it after what it decided is written and committed; the rest is replayed by the partitions' next owners."
            : "Ctrl-C or SIGTERM stops it after every buffered trace is decided and every kept one written.",
        ""));
    return String.join("\n", lines) + "\n";
  }

  private static String access(TailkeepConfig config) {
    String host = config.server().host();
    return config.auth().tokensFile()
        .map(file -> "tokens from " + file + " (reloaded when it changes); exporters send"
            + " 'Authorization: Bearer <token>', browsers and Grafana log in with the token as password")
        .orElse(host.equals(TailkeepConfig.LOOPBACK)
            ? "no authentication (no auth.tokens_file), so listening on " + host + " only"
            : "NO AUTHENTICATION (no auth.tokens_file) while listening on " + host
                + ": anyone who reaches these ports can send spans and read every trace");
  }

  private static String displayHost(String bindHost) {
    return bindHost.equals("0.0.0.0") || bindHost.equals("::") ? "localhost" : bindHost;
  }

  private static String address(InetSocketAddress address) {
    return address.getHostString() + ":" + address.getPort();
  }
}

package io.tailkeep.store.cassandra.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the node's {@code cassandra.yaml} (Cassandra 5.0 syntax) and {@code logback.xml}. Settings not written
 * here keep Cassandra 5.0's built-in defaults, which are those of the stock cassandra.yaml.
 */
final class NodeConfiguration {

  private NodeConfiguration() {}

  /** A PKCS#12 key store with the node's certificate, for TLS on the CQL port. */
  record ClientTls(Path keystore, String password) {}

  static void write(NodeLayout layout, String clusterName, int cqlPort, int storagePort) throws IOException {
    write(layout, clusterName, cqlPort, storagePort, null);
  }

  static void write(NodeLayout layout, String clusterName, int cqlPort, int storagePort, ClientTls tls)
      throws IOException {
    for (Path dir : List.of(layout.data(), layout.commitLog(), layout.hints(), layout.savedCaches(),
        layout.cdcRaw(), layout.logs(), layout.conf())) {
      Files.createDirectories(dir);
    }
    String yaml = cassandraYaml(layout, clusterName, cqlPort, storagePort);
    if (tls != null) {
      yaml += clientEncryption(tls);
    }
    Files.writeString(layout.cassandraYaml(), yaml);
    Files.writeString(layout.logbackXml(), logbackXml(layout));
  }

  static String cassandraYaml(NodeLayout layout, String clusterName, int cqlPort, int storagePort) {
    String host = CassandraNode.HOST;
    return String.join("\n",
        "# Written by Tailkeep's embedded launcher at every start; edits are overwritten.",
        "cluster_name: " + quoted(clusterName),
        // One token: a single node owns the whole ring anyway, and token allocation is skipped.
        "num_tokens: 1",
        "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
        "endpoint_snitch: SimpleSnitch",
        "seed_provider:",
        "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
        "    parameters:",
        "      - seeds: \"" + host + ":" + storagePort + "\"",
        "listen_address: " + host,
        "rpc_address: " + host,
        "storage_port: " + storagePort,
        "native_transport_port: " + cqlPort,
        "start_native_transport: true",
        "data_file_directories:",
        "  - " + quoted(layout.data().toString()),
        "commitlog_directory: " + quoted(layout.commitLog().toString()),
        "hints_directory: " + quoted(layout.hints().toString()),
        "saved_caches_directory: " + quoted(layout.savedCaches().toString()),
        "cdc_raw_directory: " + quoted(layout.cdcRaw().toString()),
        "commitlog_sync: periodic",
        "commitlog_sync_period: 10000ms",
        // Snapshots on truncate/drop would fill the disk in test runs that recreate tables.
        "auto_snapshot: false",
        "authenticator: AllowAllAuthenticator",
        "authorizer: AllowAllAuthorizer",
        "");
  }

  /**
   * TLS on the CQL port. Optional, so plain connections (the launcher's readiness probe) still
   * work next to TLS ones on the same port.
   */
  static String clientEncryption(ClientTls tls) {
    return String.join("\n",
        "client_encryption_options:",
        "  enabled: true",
        "  optional: true",
        "  keystore: " + quoted(tls.keystore().toString()),
        "  keystore_password: " + quoted(tls.password()),
        "  store_type: PKCS12",
        "");
  }

  static String logbackXml(NodeLayout layout) {
    // cassandra-all ships no logback.xml; without one, Logback would log DEBUG to the console.
    return String.join("\n",
        "<configuration>",
        "  <appender name=\"SYSTEMLOG\" class=\"ch.qos.logback.core.FileAppender\">",
        "    <file>" + xmlEscaped(layout.systemLog().toString()) + "</file>",
        "    <encoder>",
        "      <pattern>%-5level [%thread] %date{ISO8601} %logger{0} - %msg%n</pattern>",
        "    </encoder>",
        "  </appender>",
        "  <root level=\"INFO\">",
        "    <appender-ref ref=\"SYSTEMLOG\"/>",
        "  </root>",
        "</configuration>",
        "");
  }

  /** A YAML single-quoted scalar: no escapes inside except a doubled quote. */
  private static String quoted(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  private static String xmlEscaped(String value) {
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}

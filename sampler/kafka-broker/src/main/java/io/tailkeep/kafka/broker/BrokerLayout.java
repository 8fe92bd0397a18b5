package io.tailkeep.kafka.broker;

import java.nio.file.Path;

/** Where a broker keeps its files under the work directory; kept across restarts so topics survive them. */
record BrokerLayout(Path workDirectory) {

  /** Kafka's {@code log.dirs}: the topics' partitions and the KRaft metadata log. */
  Path data() {
    return workDirectory.resolve("data");
  }

  /** Written by the storage format; its presence means the data directory needs no formatting. */
  Path metaProperties() {
    return data().resolve("meta.properties");
  }

  Path logs() {
    return workDirectory.resolve("logs");
  }

  /** The broker's own log (log4j). */
  Path serverLog() {
    return logs().resolve("server.log");
  }

  /** What the broker JVM prints itself: JVM errors, and anything before logging is set up. */
  Path stdoutLog() {
    return logs().resolve("stdout.log");
  }

  /** What the storage format run prints. */
  Path formatLog() {
    return logs().resolve("format.log");
  }

  Path config() {
    return workDirectory.resolve("config");
  }

  Path serverProperties() {
    return config().resolve("server.properties");
  }

  Path log4jProperties() {
    return config().resolve("log4j2.properties");
  }
}

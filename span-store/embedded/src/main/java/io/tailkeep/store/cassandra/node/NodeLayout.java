package io.tailkeep.store.cassandra.node;

import java.nio.file.Path;

/** Where a node keeps its files under the work directory; kept across restarts so data survives them. */
record NodeLayout(Path workDirectory) {

  Path data() {
    return workDirectory.resolve("data");
  }

  Path commitLog() {
    return workDirectory.resolve("commitlog");
  }

  Path hints() {
    return workDirectory.resolve("hints");
  }

  Path savedCaches() {
    return workDirectory.resolve("saved_caches");
  }

  Path cdcRaw() {
    return workDirectory.resolve("cdc_raw");
  }

  Path logs() {
    return workDirectory.resolve("logs");
  }

  Path systemLog() {
    return logs().resolve("system.log");
  }

  Path stdoutLog() {
    return logs().resolve("stdout.log");
  }

  Path conf() {
    return workDirectory.resolve("conf");
  }

  Path cassandraYaml() {
    return conf().resolve("cassandra.yaml");
  }

  Path logbackXml() {
    return conf().resolve("logback.xml");
  }
}

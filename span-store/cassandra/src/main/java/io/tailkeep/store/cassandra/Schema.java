package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the keyspace and applies the versioned CQL files in resources that it lacks. */
final class Schema {
  static final int VERSION = 5;
  private static final Logger LOG = LoggerFactory.getLogger(Schema.class);
  private static final Duration DDL_TIMEOUT = Duration.ofSeconds(60);

  private Schema() {}

  static void ensure(CqlSession session, CassandraStorage storage) {
    String keyspace = storage.keyspace;
    execute(
        session,
        "CREATE KEYSPACE IF NOT EXISTS " + keyspace + " WITH replication = "
            + storage.replication.toCql());
    execute(
        session,
        "CREATE TABLE IF NOT EXISTS " + keyspace + "." + Tables.SCHEMA_VERSION
            + " (version int PRIMARY KEY, applied_at timestamp)");
    Set<Integer> applied = new HashSet<>();
    for (Row row : session.execute("SELECT version FROM " + keyspace + "." + Tables.SCHEMA_VERSION)) {
      applied.add(row.getInt(0));
    }
    for (int version = 1; version <= VERSION; version++) {
      if (applied.contains(version)) {
        continue;
      }
      LOG.info("Applying schema v{} to keyspace {}", version, keyspace);
      for (String statement : statements(version, storage)) {
        execute(session, statement);
      }
      session.execute(
          SimpleStatement.newInstance(
              "INSERT INTO " + keyspace + "." + Tables.SCHEMA_VERSION
                  + " (version, applied_at) VALUES (?, ?)",
              version,
              Instant.now()));
    }
  }

  /** The statements of one schema file, placeholders filled in. */
  static List<String> statements(int version, CassandraStorage storage) {
    long ttlHours = Math.max(1, storage.spanTtl.toHours());
    long indexTtlHours = Math.max(1, storage.indexTtl.toHours());
    long decisionTtlMinutes = Math.max(1, storage.decisionTtl.toMinutes());
    String cql =
        load(version)
            .replace("${keyspace}", storage.keyspace)
            .replace("${decision_window_minutes}", Long.toString(Math.max(1, decisionTtlMinutes / 30)))
            .replace("${compaction_window_hours}", Long.toString(Math.max(1, ttlHours / 30)))
            .replace("${index_compaction_window_hours}", Long.toString(Math.max(1, indexTtlHours / 30)))
            .replace("${gc_grace_seconds}", Long.toString(Duration.ofHours(3).toSeconds()));
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : cql.split("\n")) {
      if (line.strip().startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (line.strip().endsWith(";")) {
        statements.add(current.toString().strip().replaceAll(";$", ""));
        current.setLength(0);
      }
    }
    return statements;
  }

  private static String load(int version) {
    String path = "schema/v" + version + ".cql";
    try (InputStream in = Schema.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing schema resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void execute(CqlSession session, String cql) {
    session.execute(SimpleStatement.newInstance(cql).setTimeout(DDL_TIMEOUT));
  }
}

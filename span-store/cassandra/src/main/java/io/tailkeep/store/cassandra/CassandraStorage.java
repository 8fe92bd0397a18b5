package io.tailkeep.store.cassandra;

import io.tailkeep.store.IndexedTags;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Settings of the Cassandra span store. {@link Builder#build()} rejects a bad setting naming it and
 * its value; {@link #open()} connects and creates the schema when it is absent.
 */
public final class CassandraStorage {

  public static final Duration DEFAULT_SPAN_TTL = Duration.ofDays(7);
  /**
   * Long enough for a node taking over a Kafka partition to find every decision of the records it
   * replays, and for "why" a recent trace was kept or dropped.
   */
  public static final Duration DEFAULT_DECISION_TTL = Duration.ofHours(1);
  static final Duration DEFAULT_BUCKET = Duration.ofHours(1);
  /** The api's default, {@link IndexedTags#DEFAULT_MAX_VALUE_LENGTH}; named here for configs. */
  public static final int DEFAULT_MAX_TAG_VALUE_LENGTH = IndexedTags.DEFAULT_MAX_VALUE_LENGTH;
  static final int DEFAULT_MAX_IN_FLIGHT = 256;
  /** Reads have their own bound, apart from writes: a burst of searches cannot stall ingest. */
  public static final int DEFAULT_MAX_READS_IN_FLIGHT = 64;
  public static final int DEFAULT_MAX_READS_WAITING = 10_000;
  public static final int DEFAULT_SEARCH_THREADS = 4;
  public static final int DEFAULT_SEARCH_QUEUE = 64;
  /**
   * Index partitions (service × time bucket) one search reads at most: a week of hourly buckets
   * for up to 5 services without a service named, any window of the default TTL with one.
   */
  public static final int DEFAULT_MAX_SEARCH_PARTITIONS = 1_000;
  /** Cassandra's default batch_size_warn_threshold (5 KiB). */
  static final int DEFAULT_MAX_BATCH_BYTES = 5 * 1024;
  /** A bigger batch only delays the requests behind it on the connection. */
  private static final int MAX_BATCH_BYTES = 1024 * 1024;
  /** The api's default, {@link IndexedTags#DEFAULT_KEYS}; named here for configs. */
  public static final Set<String> DEFAULT_INDEXED_TAG_KEYS = IndexedTags.DEFAULT_KEYS;

  private static final Pattern KEYSPACE = Pattern.compile("[a-z][a-z0-9_]{0,47}");
  private static final Duration MAX_TTL = Duration.ofDays(20 * 365); // Cassandra's own limit

  final List<InetSocketAddress> contactPoints;
  final String localDatacenter;
  final String keyspace;
  final Replication replication;
  final String consistency;
  final String username;
  final String password;
  final CassandraTls tls;
  final Duration spanTtl;
  final Duration indexTtl;
  final Duration decisionTtl;
  final Duration bucketSize;
  final Set<String> indexedTagKeys;
  final int maxTagValueLength;
  final int maxInFlight;
  final int maxBatchBytes;
  final int maxReadsInFlight;
  final int maxReadsWaiting;
  final int searchThreads;
  final int searchQueue;
  final int maxSearchPartitions;
  final boolean createSchema;

  private CassandraStorage(Builder b) {
    this.contactPoints = List.copyOf(b.contactPoints);
    this.localDatacenter = b.localDatacenter;
    this.keyspace = b.keyspace;
    this.replication = b.replication;
    this.consistency = b.consistency;
    this.username = b.username;
    this.password = b.password;
    this.tls = b.tls;
    this.spanTtl = b.spanTtl;
    this.indexTtl = b.indexTtl == null ? b.spanTtl : b.indexTtl;
    this.decisionTtl = b.decisionTtl;
    this.bucketSize = b.bucketSize;
    this.indexedTagKeys = Set.copyOf(b.indexedTagKeys);
    this.maxTagValueLength = b.maxTagValueLength;
    this.maxInFlight = b.maxInFlight;
    this.maxBatchBytes = b.maxBatchBytes;
    this.maxReadsInFlight = b.maxReadsInFlight;
    this.maxReadsWaiting = b.maxReadsWaiting;
    this.searchThreads = b.searchThreads;
    this.searchQueue = b.searchQueue;
    this.maxSearchPartitions = b.maxSearchPartitions;
    this.createSchema = b.createSchema;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Connects, creates the keyspace and tables when absent, and prepares every statement. */
  public CassandraSpanStore open() {
    return CassandraSpanStore.open(this);
  }

  public String keyspace() {
    return keyspace;
  }

  public static final class Builder {
    private List<InetSocketAddress> contactPoints = List.of();
    private String localDatacenter = "datacenter1";
    private String keyspace = "tailkeep";
    private Replication replication = Replication.simple(1);
    private String consistency = "LOCAL_QUORUM";
    private String username;
    private String password;
    private CassandraTls tls;
    private Duration spanTtl = DEFAULT_SPAN_TTL;
    private Duration indexTtl;
    private Duration decisionTtl = DEFAULT_DECISION_TTL;
    private Duration bucketSize = DEFAULT_BUCKET;
    private Set<String> indexedTagKeys = DEFAULT_INDEXED_TAG_KEYS;
    private int maxTagValueLength = DEFAULT_MAX_TAG_VALUE_LENGTH;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private int maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
    private int maxReadsInFlight = DEFAULT_MAX_READS_IN_FLIGHT;
    private int maxReadsWaiting = DEFAULT_MAX_READS_WAITING;
    private int searchThreads = DEFAULT_SEARCH_THREADS;
    private int searchQueue = DEFAULT_SEARCH_QUEUE;
    private int maxSearchPartitions = DEFAULT_MAX_SEARCH_PARTITIONS;
    private boolean createSchema = true;

    private Builder() {}

    public Builder contactPoints(List<InetSocketAddress> contactPoints) {
      this.contactPoints = Objects.requireNonNull(contactPoints, "contactPoints");
      return this;
    }

    public Builder localDatacenter(String localDatacenter) {
      this.localDatacenter = localDatacenter;
      return this;
    }

    public Builder keyspace(String keyspace) {
      this.keyspace = keyspace;
      return this;
    }

    public Builder replication(Replication replication) {
      this.replication = Objects.requireNonNull(replication, "replication");
      return this;
    }

    /** Consistency level of reads and writes, e.g. LOCAL_ONE, LOCAL_QUORUM. */
    public Builder consistency(String consistency) {
      this.consistency = consistency;
      return this;
    }

    public Builder credentials(String username, String password) {
      this.username = username;
      this.password = password;
      return this;
    }

    /** Connects over TLS; plain text when unset. */
    public Builder tls(CassandraTls tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    public Builder spanTtl(Duration spanTtl) {
      this.spanTtl = spanTtl;
      return this;
    }

    /** TTL of search index rows; defaults to the span TTL and may be shorter, never longer. */
    public Builder indexTtl(Duration indexTtl) {
      this.indexTtl = indexTtl;
      return this;
    }

    /**
     * TTL of the sampling decision log. It must outlast the Kafka records a node replays when it
     * takes a partition over (those after the last committed offset) plus the longest a trace
     * waits for its decision; otherwise a replayed trace finds no decision and is decided again.
     */
    public Builder decisionTtl(Duration decisionTtl) {
      this.decisionTtl = decisionTtl;
      return this;
    }

    /** Width of an index partition in time; fixed for the life of a keyspace. */
    public Builder bucketSize(Duration bucketSize) {
      this.bucketSize = bucketSize;
      return this;
    }

    public Builder indexedTagKeys(Set<String> indexedTagKeys) {
      this.indexedTagKeys = Objects.requireNonNull(indexedTagKeys, "indexedTagKeys");
      return this;
    }

    public Builder maxTagValueLength(int maxTagValueLength) {
      this.maxTagValueLength = maxTagValueLength;
      return this;
    }

    /** Most CQL requests this store has in flight at once; the rest wait their turn. */
    public Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = maxInFlight;
      return this;
    }

    /**
     * Most bytes of bound values in one unlogged batch of index, name or traffic rows (rows of
     * one partition, shared by the writes of the moment); a row bigger than this goes alone. A
     * trace's spans go in blocks of their own bound ({@code SpanBlocks}).
     */
    public Builder maxBatchBytes(int maxBatchBytes) {
      this.maxBatchBytes = maxBatchBytes;
      return this;
    }

    /** Most read requests in flight at once, apart from writes' {@link #maxInFlight}. */
    public Builder maxReadsInFlight(int maxReadsInFlight) {
      this.maxReadsInFlight = maxReadsInFlight;
      return this;
    }

    /** Read requests that may wait for their turn; past that a read fails with StoreBusyException. */
    public Builder maxReadsWaiting(int maxReadsWaiting) {
      this.maxReadsWaiting = maxReadsWaiting;
      return this;
    }

    /** Searches run at once; each is blocking work on a thread of its own. */
    public Builder searchThreads(int searchThreads) {
      this.searchThreads = searchThreads;
      return this;
    }

    /** Searches that may wait for a thread; past that a search fails with StoreBusyException. */
    public Builder searchQueue(int searchQueue) {
      this.searchQueue = searchQueue;
      return this;
    }

    /**
     * Index partitions (one per service and time bucket) a search reads at most; a wider search is
     * narrowed to its newest buckets, with a warning.
     */
    public Builder maxSearchPartitions(int maxSearchPartitions) {
      this.maxSearchPartitions = maxSearchPartitions;
      return this;
    }

    public Builder createSchema(boolean createSchema) {
      this.createSchema = createSchema;
      return this;
    }

    public CassandraStorage build() {
      if (contactPoints.isEmpty()) {
        throw new IllegalArgumentException("contactPoints must name at least one host:port");
      }
      require(localDatacenter != null && !localDatacenter.isBlank(), "localDatacenter", localDatacenter);
      require(keyspace != null && KEYSPACE.matcher(keyspace).matches(), "keyspace", keyspace);
      require(
          consistency != null && consistency.matches("[A-Z_]+") && isConsistency(consistency),
          "consistency",
          consistency);
      require((username == null) == (password == null), "credentials", "username without password");
      requireDuration("spanTtl", spanTtl, Duration.ofMinutes(1), MAX_TTL);
      if (indexTtl != null) {
        requireDuration("indexTtl", indexTtl, Duration.ofMinutes(1), spanTtl);
      }
      requireDuration("decisionTtl", decisionTtl, Duration.ofMinutes(1), MAX_TTL);
      requireDuration("bucketSize", bucketSize, Duration.ofMinutes(1), Duration.ofDays(1));
      require(
          Duration.ofDays(1).toNanos() % bucketSize.toNanos() == 0,
          "bucketSize (must divide a day)",
          bucketSize);
      for (String key : indexedTagKeys) {
        require(key != null && !key.isBlank(), "indexedTagKeys", indexedTagKeys);
        if (!IndexKeys.fits(key)) {
          throw new IllegalArgumentException(
              "invalid indexedTagKeys: a key is longer than " + IndexKeys.MAX_UTF8_BYTES
                  + " bytes of UTF-8: " + key.substring(0, 40) + "...");
        }
      }
      require(
          maxTagValueLength >= 1 && maxTagValueLength <= IndexedTags.MAX_VALUE_LENGTH_LIMIT,
          "maxTagValueLength",
          maxTagValueLength);
      require(maxInFlight >= 1 && maxInFlight <= 65_536, "maxInFlight", maxInFlight);
      require(maxReadsInFlight >= 1 && maxReadsInFlight <= 65_536, "maxReadsInFlight", maxReadsInFlight);
      require(maxReadsWaiting >= 0 && maxReadsWaiting <= 10_000_000, "maxReadsWaiting", maxReadsWaiting);
      require(searchThreads >= 1 && searchThreads <= 256, "searchThreads", searchThreads);
      require(searchQueue >= 1 && searchQueue <= 100_000, "searchQueue", searchQueue);
      require(
          maxSearchPartitions >= 1 && maxSearchPartitions <= 1_000_000,
          "maxSearchPartitions",
          maxSearchPartitions);
      require(
          maxBatchBytes >= 1 && maxBatchBytes <= MAX_BATCH_BYTES,
          "maxBatchBytes (1 to " + MAX_BATCH_BYTES + ")",
          maxBatchBytes);
      return new CassandraStorage(this);
    }

    private static boolean isConsistency(String level) {
      try {
        com.datastax.oss.driver.api.core.DefaultConsistencyLevel.valueOf(level);
        return true;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }

    private static void requireDuration(String name, Duration value, Duration min, Duration max) {
      require(value != null, name, null);
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(
            name + " must be between " + min + " and " + max + ", got " + value);
      }
    }

    private static void require(boolean ok, String name, Object value) {
      if (!ok) {
        throw new IllegalArgumentException("invalid " + name + ": " + value);
      }
    }
  }
}

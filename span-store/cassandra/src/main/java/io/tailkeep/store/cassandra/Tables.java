package io.tailkeep.store.cassandra;

/** Table names, as in schema/v1.cql to v5.cql. */
final class Tables {
  private Tables() {}

  static final String SPAN_BLOCKS = "span_blocks";
  /** Spans one row each, as keyspaces made before schema v4 hold them; read until dropped. */
  static final String LEGACY_SPANS = "spans";
  static final String TRACE_SUMMARIES = "trace_summaries";
  static final String TRACES_BY_START = "traces_by_start";
  static final String TRACES_BY_DURATION = "traces_by_duration";
  static final String TRACES_BY_TAG = "traces_by_tag";
  static final String SERVICE_NAMES = "service_names";
  static final String OPERATION_NAMES = "operation_names";
  static final String SCHEMA_VERSION = "schema_version";
  static final String DECISIONS = "decisions";
  static final String SAMPLING_COUNTS = "sampling_counts";
  static final String TRAFFIC_OPERATIONS = "traffic_operations";
  static final String TRAFFIC_SERVICES = "traffic_services";
  static final String TRAFFIC_EDGES = "traffic_edges";
}

package io.tailkeep.store.cassandra;

import io.tailkeep.store.TraceId;

/** One search index entry: the trace it points to and the value the index is ordered by. */
record IndexRow(TraceId traceId, long sortKey, long startNanos) {}

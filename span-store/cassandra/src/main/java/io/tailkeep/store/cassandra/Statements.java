package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;

/** Every prepared statement of the store, prepared once at open. */
final class Statements {
  final UnloggedBatch unloggedBatch;
  final InsertSpanBlock insertSpanBlock;
  final UpdateTraceSummary updateSummary;
  final InsertTraceByStart insertByStart;
  final InsertTraceByDuration insertByDuration;
  final InsertTraceByTag insertByTag;
  final InsertServiceName insertServiceName;
  final InsertOperationName insertOperationName;
  final SelectSpanBlocks selectSpanBlocks;
  /** Null in a keyspace made at schema v4 or later, which has no legacy span table. */
  final SelectLegacySpans selectLegacySpans;
  final SelectTraceSummary selectSummary;
  final SelectTracesByStart selectByStart;
  final SelectTracesByDuration selectByDuration;
  final SelectTracesByTag selectByTag;
  final SelectServiceNames selectServiceNames;
  final SelectOperationNames selectOperationNames;
  final InsertDecision insertDecision;
  final SelectDecision selectDecision;
  final InsertSamplingCounts insertSamplingCounts;
  final SelectSamplingCounts selectSamplingCounts;
  final InsertTrafficOperation insertTrafficOperation;
  final InsertTrafficService insertTrafficService;
  final InsertTrafficEdge insertTrafficEdge;
  final SelectTrafficOperations selectTrafficOperations;
  final SelectTrafficServices selectTrafficServices;
  final SelectTrafficEdges selectTrafficEdges;
  final SelectReleaseVersion selectReleaseVersion;

  Statements(CqlSession session, String keyspace) {
    unloggedBatch = new UnloggedBatch(session);
    insertSpanBlock = new InsertSpanBlock(session, keyspace);
    updateSummary = new UpdateTraceSummary(session, keyspace);
    insertByStart = new InsertTraceByStart(session, keyspace);
    insertByDuration = new InsertTraceByDuration(session, keyspace);
    insertByTag = new InsertTraceByTag(session, keyspace);
    insertServiceName = new InsertServiceName(session, keyspace);
    insertOperationName = new InsertOperationName(session, keyspace);
    selectSpanBlocks = new SelectSpanBlocks(session, keyspace);
    selectLegacySpans =
        hasTable(session, keyspace, Tables.LEGACY_SPANS) ? new SelectLegacySpans(session, keyspace) : null;
    selectSummary = new SelectTraceSummary(session, keyspace);
    selectByStart = new SelectTracesByStart(session, keyspace);
    selectByDuration = new SelectTracesByDuration(session, keyspace);
    selectByTag = new SelectTracesByTag(session, keyspace);
    selectServiceNames = new SelectServiceNames(session, keyspace);
    selectOperationNames = new SelectOperationNames(session, keyspace);
    insertDecision = new InsertDecision(session, keyspace);
    selectDecision = new SelectDecision(session, keyspace);
    insertSamplingCounts = new InsertSamplingCounts(session, keyspace);
    selectSamplingCounts = new SelectSamplingCounts(session, keyspace);
    insertTrafficOperation = new InsertTrafficOperation(session, keyspace);
    insertTrafficService = new InsertTrafficService(session, keyspace);
    insertTrafficEdge = new InsertTrafficEdge(session, keyspace);
    selectTrafficOperations = new SelectTrafficOperations(session, keyspace);
    selectTrafficServices = new SelectTrafficServices(session, keyspace);
    selectTrafficEdges = new SelectTrafficEdges(session, keyspace);
    selectReleaseVersion = new SelectReleaseVersion(session);
  }

  private static boolean hasTable(CqlSession session, String keyspace, String table) {
    return session
            .execute(
                "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?",
                keyspace,
                table)
            .one()
        != null;
  }
}

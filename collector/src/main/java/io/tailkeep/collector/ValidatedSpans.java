package io.tailkeep.collector;

import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.tailkeep.store.OtlpSpan;
import java.util.List;

/**
 * The spans of one export request that passed validation, and how many did not with a message naming
 * the first problem.
 */
record ValidatedSpans(List<OtlpSpan> accepted, long rejected, String errorMessage) {

  /** The answer for an exporter once {@link #accepted} is taken: partial success if any were refused. */
  ExportTraceServiceResponse response() {
    if (rejected == 0) {
      return ExportTraceServiceResponse.getDefaultInstance();
    }
    return ExportTraceServiceResponse.newBuilder()
        .setPartialSuccess(
            ExportTracePartialSuccess.newBuilder()
                .setRejectedSpans(rejected)
                .setErrorMessage(errorMessage))
        .build();
  }
}

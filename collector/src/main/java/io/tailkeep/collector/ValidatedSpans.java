package io.tailkeep.collector;

import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.wire.ExportRequestScanner.ScannedRequest;
import java.util.List;

/**
 * The spans of one export request that passed validation, and how many did not with a message naming
 * the first problem.
 */
record ValidatedSpans(List<WireSpan> accepted, long rejected, String errorMessage) {

  /** Spans with invalid IDs were refused one by one, so the valid spans of the request go on. */
  static ValidatedSpans of(ScannedRequest request) {
    long rejected = request.rejected();
    String message =
        rejected == 0
            ? ""
            : rejected + (rejected == 1 ? " span" : " spans") + " rejected: " + request.firstProblem();
    return new ValidatedSpans(request.accepted(), rejected, message);
  }

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

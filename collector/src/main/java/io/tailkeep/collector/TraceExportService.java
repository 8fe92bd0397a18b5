package io.tailkeep.collector;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OTLP/gRPC {@code TraceService/Export}, answering in the status codes the OTLP specification names.
 *
 * <p>Bound by hand rather than through {@code TraceServiceImplBase}: the generated binding parses with
 * a marshaller that turns bad input into UNKNOWN; {@link ExportRequestMarshaller} lets this handler
 * answer INVALID_ARGUMENT instead. Same service and method names, so every OTLP client finds it.
 */
final class TraceExportService {

  private static final Logger LOG = LoggerFactory.getLogger(TraceExportService.class);

  private final TraceIngest ingest;

  TraceExportService(TraceIngest ingest) {
    this.ingest = ingest;
  }

  ServerServiceDefinition bind() {
    MethodDescriptor<ExportRequestMarshaller.Parsed, ExportTraceServiceResponse> export =
        TraceServiceGrpc.getExportMethod().toBuilder(
                new ExportRequestMarshaller(),
                ProtoUtils.marshaller(ExportTraceServiceResponse.getDefaultInstance()))
            .build();
    return ServerServiceDefinition.builder(TraceServiceGrpc.SERVICE_NAME)
        .addMethod(export, ServerCalls.asyncUnaryCall(this::export))
        .build();
  }

  private void export(
      ExportRequestMarshaller.Parsed parsed, StreamObserver<ExportTraceServiceResponse> response) {
    if (parsed.failure() != null) {
      LOG.debug("OTLP/gRPC export refused: {}", parsed.failure());
      ingest.refusedRequest(parsed.failure().getCode().name().toLowerCase(Locale.ROOT));
      response.onError(parsed.failure().asRuntimeException());
      return;
    }
    ingest.export(parsed.request()).thenAccept(outcome -> answer(outcome, response));
  }

  private static void answer(
      TraceIngest.Outcome outcome, StreamObserver<ExportTraceServiceResponse> response) {
    if (outcome instanceof TraceIngest.Outcome.Accepted accepted) {
      response.onNext(accepted.response());
      response.onCompleted();
    } else if (outcome instanceof TraceIngest.Outcome.Full full) {
      response.onError(StatusProto.toStatusRuntimeException(retryLater(full)));
    } else {
      response.onError(
          Status.UNAVAILABLE.withDescription("span sink failed; retry later").asRuntimeException());
    }
  }

  /** OTLP: RESOURCE_EXHAUSTED is retryable only when RetryInfo says the server can recover. */
  private static com.google.rpc.Status retryLater(TraceIngest.Outcome.Full full) {
    Duration delay = full.retryAfter();
    RetryInfo retryInfo =
        RetryInfo.newBuilder()
            .setRetryDelay(
                com.google.protobuf.Duration.newBuilder()
                    .setSeconds(delay.getSeconds())
                    .setNanos(delay.getNano()))
            .build();
    return com.google.rpc.Status.newBuilder()
        .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
        .setMessage(full.reason())
        .addDetails(Any.pack(retryInfo))
        .build();
  }
}

package io.tailkeep.collector;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.InputStream;

/**
 * Parses {@code Export} requests without throwing. gRPC answers UNKNOWN to anything a request
 * marshaller throws, but OTLP wants INVALID_ARGUMENT for an unparseable message and gRPC's own
 * RESOURCE_EXHAUSTED when a compressed message grows past the limit; so the failure travels to the
 * handler as a value and the handler answers with it.
 */
final class ExportRequestMarshaller
    implements MethodDescriptor.Marshaller<ExportRequestMarshaller.Parsed> {

  /** A parsed request, or the status to answer instead. */
  record Parsed(ExportTraceServiceRequest request, Status failure) {}

  private final MethodDescriptor.Marshaller<ExportTraceServiceRequest> protobuf =
      ProtoUtils.marshaller(ExportTraceServiceRequest.getDefaultInstance());

  @Override
  public InputStream stream(Parsed value) {
    return protobuf.stream(value.request());
  }

  @Override
  public Parsed parse(InputStream stream) {
    try {
      return new Parsed(protobuf.parse(stream), null);
    } catch (StatusRuntimeException e) {
      if (e.getCause() instanceof InvalidProtocolBufferException invalid) {
        return new Parsed(
            null,
            Status.INVALID_ARGUMENT.withDescription(
                "message is not a valid ExportTraceServiceRequest: " + invalid.getMessage()));
      }
      // The size limit, checked while decompressing, is already RESOURCE_EXHAUSTED.
      return new Parsed(null, e.getStatus());
    }
  }
}

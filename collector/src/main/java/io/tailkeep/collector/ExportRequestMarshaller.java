package io.tailkeep.collector;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tailkeep.store.wire.ExportRequestScanner;
import io.tailkeep.store.wire.ExportRequestScanner.ScannedRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads {@code Export} requests at the wire level ({@link ExportRequestScanner}) without throwing.
 * gRPC answers UNKNOWN to anything a request marshaller throws, but OTLP wants INVALID_ARGUMENT for
 * an unparseable message and gRPC's own RESOURCE_EXHAUSTED when a compressed message grows past the
 * limit; so the failure travels to the handler as a value and the handler answers with it.
 */
final class ExportRequestMarshaller
    implements MethodDescriptor.Marshaller<ExportRequestMarshaller.Parsed> {

  /** A read request (its bytes and spans), or the status to answer instead. */
  record Parsed(byte[] bytes, ScannedRequest request, Status failure) {}

  @Override
  public InputStream stream(Parsed value) {
    return new ByteArrayInputStream(value.bytes());
  }

  @Override
  public Parsed parse(InputStream stream) {
    byte[] bytes;
    try {
      // An uncompressed message arrives whole and knows its length: read it in one copy.
      bytes = stream instanceof KnownLength ? stream.readNBytes(stream.available()) : stream.readAllBytes();
    } catch (StatusRuntimeException e) {
      // The size limit, checked while decompressing, is already RESOURCE_EXHAUSTED.
      return new Parsed(null, null, e.getStatus());
    } catch (IOException e) {
      return new Parsed(
          null, null, Status.INVALID_ARGUMENT.withDescription("message could not be read: " + e.getMessage()));
    }
    try {
      return new Parsed(bytes, ExportRequestScanner.scan(bytes), null);
    } catch (InvalidProtocolBufferException invalid) {
      return new Parsed(
          bytes,
          null,
          Status.INVALID_ARGUMENT.withDescription(
              "message is not a valid ExportTraceServiceRequest: " + invalid.getMessage()));
    }
  }
}

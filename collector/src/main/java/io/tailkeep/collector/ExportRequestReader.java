package io.tailkeep.collector;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tailkeep.store.wire.ExportRequestScanner;
import io.tailkeep.store.wire.ExportRequestScanner.ScannedRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.handler.HttpException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Reads an OTLP/HTTP request body into an export request: decompresses gzip within the size limit and
 * parses protobuf, or turns OTLP/JSON into protobuf first. Every failure is an {@link HttpException}
 * whose message names it.
 */
final class ExportRequestReader {

  private final int maxBodyBytes;

  ExportRequestReader(int maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  /** 415 unless the request names an encoding and a compression this receiver reads. */
  static void checkHeaders(String contentType, String contentEncoding) {
    if (OtlpMediaType.fromContentType(contentType) == null) {
      throw new HttpException(
          415,
          "unsupported Content-Type "
              + (contentType == null ? "(none)" : "'" + contentType + "'")
              + "; OTLP/HTTP takes application/x-protobuf or application/json");
    }
    if (!isIdentity(contentEncoding) && !isGzip(contentEncoding)) {
      throw new HttpException(
          415, "unsupported Content-Encoding '" + contentEncoding + "'; use gzip or none");
    }
  }

  /** Reads the body's spans at the wire level (see {@link ExportRequestScanner}). */
  ScannedRequest read(String contentType, String contentEncoding, Buffer body) {
    byte[] request = readBytes(contentType, contentEncoding, body);
    try {
      return ExportRequestScanner.scan(request);
    } catch (InvalidProtocolBufferException e) {
      throw invalid(OtlpMediaType.fromContentType(contentType), e);
    }
  }

  /**
   * The request as protobuf bytes, whichever encoding it came in: a protobuf body as it is (after
   * gzip), an OTLP/JSON body written as protobuf while it is read.
   */
  byte[] readBytes(String contentType, String contentEncoding, Buffer body) {
    checkHeaders(contentType, contentEncoding);
    OtlpMediaType mediaType = OtlpMediaType.fromContentType(contentType);
    byte[] plain = isGzip(contentEncoding) ? gunzip(body) : body.getBytes();
    if (mediaType == OtlpMediaType.PROTOBUF) {
      return plain;
    }
    try {
      return OtlpJsonReader.toProtobuf(plain, 0, plain.length);
    } catch (InvalidProtocolBufferException e) {
      throw invalid(mediaType, e);
    }
  }

  private static HttpException invalid(OtlpMediaType mediaType, InvalidProtocolBufferException e) {
    String encoding = mediaType == OtlpMediaType.PROTOBUF ? "protobuf" : "OTLP/JSON";
    return new HttpException(
        400, "body is not a valid " + encoding + " ExportTraceServiceRequest: " + e.getMessage());
  }

  /** Stops at the limit, so a small gzip bomb cannot fill the heap. */
  private byte[] gunzip(Buffer compressed) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed.getBytes()))) {
      int expected = (int) Math.min(maxBodyBytes, 4L * compressed.length());
      ByteArrayOutputStream out = new ByteArrayOutputStream(expected);
      byte[] chunk = new byte[8192];
      int n;
      while ((n = in.read(chunk)) > 0) {
        if (out.size() + n > maxBodyBytes) {
          throw new HttpException(
              413, "decompressed body is larger than the limit of " + maxBodyBytes + " bytes");
        }
        out.write(chunk, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new HttpException(400, "body is not valid gzip: " + e.getMessage());
    }
  }

  private static boolean isIdentity(String contentEncoding) {
    return contentEncoding == null
        || contentEncoding.isBlank()
        || contentEncoding.trim().equalsIgnoreCase("identity");
  }

  private static boolean isGzip(String contentEncoding) {
    return contentEncoding != null
        && contentEncoding.trim().toLowerCase(Locale.ROOT).equals("gzip");
  }
}

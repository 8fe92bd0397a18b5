package io.tailkeep.bench;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Makes traces shaped like a small web shop's: an HTTP entry span on {@value #ENTRY_SERVICE}, then
 * a random tree of HTTP, gRPC and database calls across several services, nested in time, with
 * about {@value #ERROR_RATE} of spans failing. Seeded, so two runs write the same shapes.
 */
final class TraceFactory {

  static final String ENTRY_SERVICE = "frontend";
  private static final double ERROR_RATE = 0.02;
  private static final long HOUR_NANOS = TimeUnit.HOURS.toNanos(1);
  private static final InstrumentationScope SCOPE =
      InstrumentationScope.newBuilder().setName("io.tailkeep.bench").setVersion("1").build();

  private record Call(String service, String name, SpanKind kind, Map<String, String> attributes) {}

  private static final List<Call> ENTRIES =
      List.of(
          http(ENTRY_SERVICE, "GET", "/api/products"),
          http(ENTRY_SERVICE, "GET", "/api/products/{id}"),
          http(ENTRY_SERVICE, "GET", "/api/cart"),
          http(ENTRY_SERVICE, "POST", "/api/cart"),
          http(ENTRY_SERVICE, "POST", "/api/checkout"),
          http(ENTRY_SERVICE, "GET", "/api/recommendations"),
          http(ENTRY_SERVICE, "POST", "/api/login"));

  private static final List<Call> CALLS =
      List.of(
          rpc("product-catalog", "ProductCatalogService", "GetProduct"),
          rpc("product-catalog", "ProductCatalogService", "ListProducts"),
          rpc("recommendation", "RecommendationService", "ListRecommendations"),
          rpc("cart", "CartService", "GetCart"),
          rpc("cart", "CartService", "AddItem"),
          rpc("checkout", "CheckoutService", "PlaceOrder"),
          http("payment", "POST", "/charge"),
          http("shipping", "GET", "/quote"),
          http("currency", "GET", "/convert/{from}/{to}"),
          db("product-catalog", "postgresql", "SELECT products"),
          db("checkout", "postgresql", "INSERT orders"),
          db("cart", "redis", "HGET"),
          db("cart", "redis", "HSET"),
          db("auth", "postgresql", "SELECT users"));

  private final SplittableRandom random;
  private final Map<String, Resource> resources = new java.util.HashMap<>();

  TraceFactory(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** Mostly 5-50 spans, a few 100-400, rarely 1000-2000 (a batch job or a fan-out gone wild). */
  SpanBatch mixedTrace(long nowNanos) {
    double p = random.nextDouble();
    int size;
    if (p < 0.002) {
      size = random.nextInt(1_000, 2_001);
    } else if (p < 0.03) {
      size = random.nextInt(100, 401);
    } else {
      size = random.nextInt(5, 51);
    }
    return trace(size, nowNanos);
  }

  /** A trace of exactly {@code size} spans whose root starts in the hour before {@code nowNanos}. */
  SpanBatch trace(int size, long nowNanos) {
    byte[] traceId = new byte[16];
    random.nextBytes(traceId);
    traceId[0] |= 1; // never all zeros
    ByteString id = ByteString.copyFrom(traceId);

    // Log-normal around 40 ms, longer for bigger traces, as real latencies are skewed.
    long rootDuration =
        (long) (TimeUnit.MILLISECONDS.toNanos(40) * Math.exp(random.nextGaussian()) * (1 + size / 100.0));
    long rootStart = nowNanos - HOUR_NANOS + (long) (random.nextDouble() * (HOUR_NANOS - rootDuration));

    List<Span> spans = new ArrayList<>(size);
    List<OtlpSpan> otlp = new ArrayList<>(size);
    boolean error = false;
    for (int i = 0; i < size; i++) {
      Call call;
      long start;
      long end;
      Span.Builder span = Span.newBuilder().setTraceId(id).setSpanId(spanId());
      if (i == 0) {
        call = ENTRIES.get(random.nextInt(ENTRIES.size()));
        start = rootStart;
        end = rootStart + rootDuration;
      } else {
        Span parent = spans.get(random.nextInt(spans.size()));
        call = CALLS.get(random.nextInt(CALLS.size()));
        long parentDuration = parent.getEndTimeUnixNano() - parent.getStartTimeUnixNano();
        start = parent.getStartTimeUnixNano() + (long) (random.nextDouble() * 0.8 * parentDuration);
        end = start + 1_000 + (long) (random.nextDouble() * (parent.getEndTimeUnixNano() - start - 1_000));
        span.setParentSpanId(parent.getSpanId());
      }
      span.setName(call.name()).setKind(call.kind()).setStartTimeUnixNano(start).setEndTimeUnixNano(end);
      call.attributes().forEach((key, value) -> span.addAttributes(attribute(key, value)));
      boolean failed = random.nextDouble() < ERROR_RATE;
      if (call.attributes().containsKey("http.route")) {
        span.addAttributes(attribute("http.response.status_code", failed ? "500" : "200"));
      }
      if (failed) {
        span.setStatus(
            Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("upstream timed out"));
        error = true;
      }
      Span built = span.build();
      spans.add(built);
      otlp.add(OtlpSpan.of(resource(call.service()), SCOPE, built));
    }
    // What the sampling policy would say: errors and slow traces always, 10 % of the rest.
    Sampling sampling =
        error
            ? new Sampling("errors", 1.0)
            : rootDuration > TimeUnit.SECONDS.toNanos(1) ? new Sampling("slow", 1.0) : new Sampling("baseline", 0.1);
    return SpanBatch.of(otlp, sampling);
  }

  private ByteString spanId() {
    long value = random.nextLong();
    byte[] bytes = new byte[8];
    for (int i = 7; i >= 0; i--) {
      bytes[i] = (byte) value;
      value >>>= 8;
    }
    bytes[0] |= 1; // never all zeros
    return ByteString.copyFrom(bytes);
  }

  private Resource resource(String service) {
    return resources.computeIfAbsent(
        service,
        name ->
            Resource.newBuilder()
                .addAttributes(attribute("service.name", name))
                .addAttributes(attribute("deployment.environment", "bench"))
                .build());
  }

  private static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  private static Call http(String service, String method, String route) {
    SpanKind kind = service.equals(ENTRY_SERVICE) ? SpanKind.SPAN_KIND_SERVER : SpanKind.SPAN_KIND_CLIENT;
    return new Call(service, method + " " + route, kind, Map.of("http.request.method", method, "http.route", route));
  }

  private static Call rpc(String service, String rpcService, String method) {
    return new Call(
        service,
        "oteldemo." + rpcService + "/" + method,
        SpanKind.SPAN_KIND_SERVER,
        Map.of("rpc.system", "grpc", "rpc.service", "oteldemo." + rpcService, "rpc.method", method));
  }

  private static Call db(String service, String system, String statement) {
    return new Call(service, statement, SpanKind.SPAN_KIND_CLIENT, Map.of("db.system", system));
  }
}

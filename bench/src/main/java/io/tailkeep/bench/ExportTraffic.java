package io.tailkeep.bench;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * OTLP export requests as an agent's batch processor sends them to a gateway: 512 spans each, of
 * traces of 5-50 spans from a web shop's services, each span exported when it ends (so a trace's
 * root comes last) and the spans of {@value #TRACES_IN_FLIGHT} traces in flight interleaved, so a
 * trace spreads over about three consecutive requests. Spans are grouped in a request by resource
 * (service instance) and instrumentation scope, as the OTLP exporter does.
 *
 * <p>The mix of trace kinds is tuned to the sampler's default rules so that about 5 % of traces are
 * kept; {@link Kind} gives each kind's share and its chance of being kept. Trace and span IDs are
 * random from the seed, so a run with a fresh seed never repeats a trace ID.
 */
final class ExportTraffic {

  static final int SPANS_PER_REQUEST = 512;
  static final int TRACES_IN_FLIGHT = 64;

  /** A kind of trace, its share of all traces, and the chance the default rules keep it. */
  enum Kind {
    ERROR(0.015, 1.0, "a span in error status, or an HTTP server span answering 500 (keep-errors)"),
    SLOW(0.015, 1.0, "root span 0.5-4 s (keep-slow)"),
    ADMIN(0.0025, 1.0, "a /admin route (keep-admin-actions)"),
    PAYMENT(0.0025, 1.0, "a checkout calling the payment service (keep-payments)"),
    HEALTH_CHECK(0.05, 0.0, "GET /health and friends, 5-8 spans (drop-health-checks)"),
    UPLOAD(0.05, 0.10, "POST /upload/... (baseline-uploads, 10 %)"),
    STREAMING(0.05, 0.05, "GET /stream/... (baseline-streaming, 5 %)"),
    REGULAR(0.815, 0.01, "the shop's API, under 450 ms, no error (baseline-everything-else, 1 %)");

    final double share;
    final double keptChance;
    final String description;

    Kind(double share, double keptChance, String description) {
      this.share = share;
      this.keptChance = keptChance;
      this.description = description;
    }
  }

  /**
   * Serialized requests and what they hold; requests are sent as they are, never re-encoded. They are
   * kept outside the heap, so millions of prepared spans do not weigh on the server's GC.
   */
  record Requests(List<ByteBuffer> encoded, long spans, long requestBytes, long spanBytes) {}

  /** Direct memory is allocated in chunks this big, each holding many requests. */
  private static final int CHUNK_BYTES = 64 << 20;

  private record Call(String service, SpanKind kind, String name, Scope scope, List<KeyValue> attributes) {}

  private enum Scope {
    HTTP_SERVER("io.opentelemetry.tomcat-10.0"),
    HTTP_CLIENT("io.opentelemetry.java-http-client"),
    GRPC("io.opentelemetry.grpc-1.6"),
    JDBC("io.opentelemetry.jdbc"),
    REDIS("io.opentelemetry.lettuce-5.1"),
    INTERNAL("io.opentelemetry.spring-webmvc-6.0");

    final InstrumentationScope scope;

    Scope(String name) {
      this.scope = InstrumentationScope.newBuilder().setName(name).setVersion("2.10.0-alpha").build();
    }
  }

  /** A span ready to go, with where the exporter files it. */
  private record Pending(Resource resource, InstrumentationScope scope, Span span) {}

  private static final String ENTRY_SERVICE = "frontend";
  private static final int INSTANCES_PER_SERVICE = 2;
  private static final long MILLIS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final List<String> USER_AGENTS =
      List.of(
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
          "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
          "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
          "shop-android/4.12.1 okhttp/4.12.0");
  private static final List<String> ERROR_MESSAGES =
      List.of(
          "java.net.SocketTimeoutException: Read timed out",
          "io.grpc.StatusRuntimeException: UNAVAILABLE: io exception",
          "org.postgresql.util.PSQLException: ERROR: deadlock detected",
          "io.lettuce.core.RedisCommandTimeoutException: Command timed out after 1 second(s)");

  private static final String[][] REGULAR_ROUTES = {
    {"GET", "/api/products"}, {"GET", "/api/products/{id}"}, {"GET", "/api/cart"},
    {"POST", "/api/cart"}, {"GET", "/api/recommendations"}, {"POST", "/api/login"},
    {"GET", "/api/orders/{id}"}, {"GET", "/api/currencies"}, {"GET", "/api/shipping/quote"}
  };
  private static final String[][] HEALTH_ROUTES = {
    {"GET", "/health"}, {"GET", "/healthz"}, {"GET", "/ready"}, {"GET", "/actuator/health"}
  };
  private static final String[][] ADMIN_ROUTES = {
    {"GET", "/admin/orders"}, {"POST", "/admin/products/{id}"}, {"GET", "/admin/users/{id}"}
  };
  private static final String[][] UPLOAD_ROUTES = {{"POST", "/upload/images"}, {"POST", "/upload/documents"}};
  private static final String[][] STREAMING_ROUTES = {{"GET", "/stream/video/{id}"}, {"GET", "/stream/events"}};

  /** The calls a request fans out to; payment is only called by checkouts. */
  private static final List<Call> CALLS =
      List.of(
          grpc("product-catalog", "ProductCatalogService", "GetProduct"),
          grpc("product-catalog", "ProductCatalogService", "ListProducts"),
          grpc("recommendation", "RecommendationService", "ListRecommendations"),
          grpc("cart", "CartService", "GetCart"),
          grpc("cart", "CartService", "AddItem"),
          grpc("auth", "AuthService", "VerifyToken"),
          httpClient("shipping", "GET", "http://shipping:8080/quote"),
          httpClient("currency", "GET", "http://currency:8080/convert?from=USD&to=EUR"),
          sql("product-catalog", "SELECT", "products", "SELECT id, name, price_cents, stock FROM products WHERE id = $1"),
          sql("product-catalog", "SELECT", "products", "SELECT id, name, price_cents FROM products WHERE category = $1 ORDER BY rank LIMIT $2"),
          sql("auth", "SELECT", "users", "SELECT id, password_hash, role FROM users WHERE email = $1"),
          sql("checkout", "SELECT", "orders", "SELECT id, status, total_cents FROM orders WHERE id = $1"),
          redis("cart", "HGET", "HGET cart:? items"),
          redis("cart", "HSET", "HSET cart:? items ?"),
          internal("frontend", "render product page"),
          internal("recommendation", "score candidates"));

  private static final Call PAYMENT_CHARGE = grpc("payment", "PaymentService", "Charge");
  private static final List<Call> CHECKOUT_CALLS =
      List.of(
          grpc("checkout", "CheckoutService", "PlaceOrder"),
          PAYMENT_CHARGE,
          sql("payment", "INSERT", "payments", "INSERT INTO payments (order_id, amount_cents, currency, status) VALUES ($1, $2, $3, $4)"),
          sql("checkout", "INSERT", "orders", "INSERT INTO orders (user_id, total_cents, currency, status) VALUES ($1, $2, $3, $4)"),
          httpClient("payment", "POST", "https://api.psp.example/v1/charges"));

  private static final List<Call> UPLOAD_CALLS =
      List.of(
          httpClient("media-store", "PUT", "http://objects:9000/uploads/{key}"),
          grpc("media-store", "MediaService", "Thumbnail"),
          sql("media-store", "INSERT", "media", "INSERT INTO media (owner_id, object_key, bytes, content_type) VALUES ($1, $2, $3, $4)"));

  private static final List<Call> STREAMING_CALLS =
      List.of(
          grpc("stream-gateway", "StreamService", "NextChunk"),
          redis("stream-gateway", "GET", "GET session:?"));

  private static final List<Call> HEALTH_CALLS =
      List.of(sql("frontend", "SELECT", "", "SELECT 1"), redis("frontend", "PING", "PING"));

  private final SplittableRandom random;
  private final Map<String, List<Resource>> resources = new LinkedHashMap<>();
  private final List<ArrayDeque<Pending>> inFlight = new ArrayList<>(TRACES_IN_FLIGHT);
  private final Map<Kind, Long> tracesByKind = new EnumMap<>(Kind.class);
  private final long startNanos;

  ExportTraffic(long seed, long epochNanos) {
    this.random = new SplittableRandom(seed);
    this.startNanos = epochNanos;
    for (int i = 0; i < TRACES_IN_FLIGHT; i++) {
      inFlight.add(newTrace());
    }
  }

  /** The next requests holding at least {@code spans} spans, serialized. */
  Requests next(long spans) {
    List<ByteBuffer> encoded = new ArrayList<>();
    ByteBuffer chunk = ByteBuffer.allocateDirect(0);
    long spanCount = 0;
    long requestBytes = 0;
    long spanBytes = 0;
    while (spanCount < spans) {
      ExportTraceServiceRequest request = nextRequest();
      byte[] bytes = request.toByteArray();
      if (chunk.remaining() < bytes.length) {
        chunk = ByteBuffer.allocateDirect(Math.max(CHUNK_BYTES, bytes.length));
      }
      encoded.add(chunk.slice(chunk.position(), bytes.length).asReadOnlyBuffer());
      chunk.put(bytes);
      requestBytes += bytes.length;
      spanCount += SPANS_PER_REQUEST;
      for (ResourceSpans rs : request.getResourceSpansList()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          for (Span span : ss.getSpansList()) {
            spanBytes += span.getSerializedSize();
          }
        }
      }
    }
    return new Requests(encoded, spanCount, requestBytes, spanBytes);
  }

  /** Traces begun so far, by kind (the last few are still being exported). */
  Map<Kind, Long> tracesByKind() {
    return new EnumMap<>(tracesByKind);
  }

  private ExportTraceServiceRequest nextRequest() {
    // Resource and scope objects are shared, so identity groups them as the exporter does.
    Map<Resource, Map<InstrumentationScope, List<Span>>> grouped = new IdentityHashMap<>();
    List<Resource> order = new ArrayList<>();
    for (int i = 0; i < SPANS_PER_REQUEST; i++) {
      Pending pending = nextSpan();
      Map<InstrumentationScope, List<Span>> byScope = grouped.get(pending.resource());
      if (byScope == null) {
        byScope = new LinkedHashMap<>();
        grouped.put(pending.resource(), byScope);
        order.add(pending.resource());
      }
      byScope.computeIfAbsent(pending.scope(), s -> new ArrayList<>()).add(pending.span());
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    for (Resource resource : order) {
      ResourceSpans.Builder rs = request.addResourceSpansBuilder().setResource(resource);
      grouped.get(resource).forEach((scope, spans) -> rs.addScopeSpansBuilder().setScope(scope).addAllSpans(spans));
    }
    return request.build();
  }

  /** A span of a random trace in flight; a trace whose last span (its root) went is replaced. */
  private Pending nextSpan() {
    int slot = random.nextInt(TRACES_IN_FLIGHT);
    ArrayDeque<Pending> trace = inFlight.get(slot);
    Pending span = trace.poll();
    if (trace.isEmpty()) {
      inFlight.set(slot, newTrace());
    }
    return span;
  }

  private ArrayDeque<Pending> newTrace() {
    Kind kind = pickKind();
    tracesByKind.merge(kind, 1L, Long::sum);
    byte[] traceIdBytes = new byte[16];
    random.nextBytes(traceIdBytes);
    traceIdBytes[15] |= 1; // never all zeros
    ByteString traceId = ByteString.copyFrom(traceIdBytes);

    String[][] routes =
        switch (kind) {
          case HEALTH_CHECK -> HEALTH_ROUTES;
          case ADMIN -> ADMIN_ROUTES;
          case UPLOAD -> UPLOAD_ROUTES;
          case STREAMING -> STREAMING_ROUTES;
          case PAYMENT -> new String[][] {{"POST", "/api/checkout"}};
          default -> REGULAR_ROUTES;
        };
    List<Call> calls =
        switch (kind) {
          case HEALTH_CHECK -> HEALTH_CALLS;
          case PAYMENT -> CHECKOUT_CALLS;
          case UPLOAD -> UPLOAD_CALLS;
          case STREAMING -> STREAMING_CALLS;
          default -> CALLS;
        };
    int size = kind == Kind.HEALTH_CHECK ? random.nextInt(5, 9) : random.nextInt(5, 51);
    long rootDuration =
        kind == Kind.SLOW
            ? random.nextLong(500 * MILLIS, 4_000 * MILLIS)
            : kind == Kind.HEALTH_CHECK
                ? random.nextLong(1 * MILLIS, 5 * MILLIS)
                : Math.min(450 * MILLIS, (long) (40 * MILLIS * Math.exp(random.nextGaussian() * 0.7)));
    int errorAt = kind == Kind.ERROR ? random.nextInt(size) : -1;

    long rootStart = startNanos + random.nextLong(TimeUnit.HOURS.toNanos(1));
    List<Pending> spans = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      Span.Builder span = Span.newBuilder().setTraceId(traceId).setSpanId(spanId());
      Call call;
      long start;
      long end;
      if (i == 0) {
        String[] route = routes[random.nextInt(routes.length)];
        call = httpServer(route[0], route[1]);
        start = rootStart;
        end = rootStart + rootDuration;
      } else {
        // Checkouts, uploads and streams also make the shop's regular calls now and then; every
        // checkout charges through the payment service.
        List<Call> from = calls != CALLS && kind != Kind.HEALTH_CHECK && random.nextInt(3) == 0 ? CALLS : calls;
        call = kind == Kind.PAYMENT && i == 1 ? PAYMENT_CHARGE : from.get(random.nextInt(from.size()));
        Span parent = spans.get(random.nextInt(spans.size())).span();
        long parentDuration = parent.getEndTimeUnixNano() - parent.getStartTimeUnixNano();
        start = parent.getStartTimeUnixNano() + (long) (random.nextDouble() * 0.8 * parentDuration);
        end = start + 1_000 + (long) (random.nextDouble() * (parent.getEndTimeUnixNano() - start - 1_000));
        span.setParentSpanId(parent.getSpanId());
      }
      span.setName(call.name()).setKind(call.kind()).setStartTimeUnixNano(start).setEndTimeUnixNano(end);
      span.addAllAttributes(call.attributes());
      boolean failed = i == errorAt;
      addPerRequestAttributes(span, call, failed);
      if (failed) {
        span.setStatus(
            Status.newBuilder()
                .setCode(Status.StatusCode.STATUS_CODE_ERROR)
                .setMessage(ERROR_MESSAGES.get(random.nextInt(ERROR_MESSAGES.size()))));
      }
      spans.add(new Pending(resource(call.service()), call.scope().scope, span.build()));
    }
    // Exported as they end; the root ends last (children end within their parent), so it goes last.
    Pending root = spans.get(0);
    List<Pending> children = new ArrayList<>(spans.subList(1, spans.size()));
    children.sort(Comparator.comparingLong(p -> p.span().getEndTimeUnixNano()));
    ArrayDeque<Pending> byEnd = new ArrayDeque<>(children);
    byEnd.add(root);
    return byEnd;
  }

  private Kind pickKind() {
    double p = random.nextDouble();
    for (Kind kind : Kind.values()) {
      if (p < kind.share) {
        return kind;
      }
      p -= kind.share;
    }
    return Kind.REGULAR;
  }

  /** Attributes whose values differ per request: the URL path, the client, the status. */
  private void addPerRequestAttributes(Span.Builder span, Call call, boolean failed) {
    if (call.scope() == Scope.HTTP_SERVER) {
      String route = call.name().substring(call.name().indexOf(' ') + 1);
      span.addAttributes(string("url.path", route.replace("{id}", Integer.toString(random.nextInt(1, 100_000)))))
          .addAttributes(string("client.address", "10.0." + random.nextInt(256) + "." + random.nextInt(256)))
          .addAttributes(string("user_agent.original", USER_AGENTS.get(random.nextInt(USER_AGENTS.size()))))
          .addAttributes(integer("http.response.status_code", failed ? 500 : random.nextInt(100) == 0 ? 404 : 200));
    } else if (call.scope() == Scope.HTTP_CLIENT) {
      span.addAttributes(integer("http.response.status_code", failed ? 503 : 200));
    } else if (call.scope() == Scope.GRPC) {
      span.addAttributes(integer("rpc.grpc.status_code", failed ? 14 : 0));
    }
    span.addAttributes(integer("thread.id", random.nextInt(30, 250)))
        .addAttributes(string("thread.name", "http-nio-8080-exec-" + random.nextInt(1, 200)));
  }

  private ByteString spanId() {
    long value = random.nextLong() | 1; // never all zeros
    byte[] bytes = new byte[8];
    for (int i = 7; i >= 0; i--) {
      bytes[i] = (byte) value;
      value >>>= 8;
    }
    return ByteString.copyFrom(bytes);
  }

  /** One of the service's instances, each with the resource attributes the Java agent sends. */
  private Resource resource(String service) {
    List<Resource> instances =
        resources.computeIfAbsent(
            service,
            name -> {
              List<Resource> made = new ArrayList<>(INSTANCES_PER_SERVICE);
              for (int i = 0; i < INSTANCES_PER_SERVICE; i++) {
                String pod = name + "-7d9f8c6b5-" + Integer.toString(random.nextInt(1 << 20, 1 << 25), 36);
                made.add(
                    Resource.newBuilder()
                        .addAttributes(string("service.name", name))
                        .addAttributes(string("service.namespace", "shop"))
                        .addAttributes(string("service.version", "1." + random.nextInt(30) + ".0"))
                        .addAttributes(string("service.instance.id", new UUID(random.nextLong(), random.nextLong()).toString()))
                        .addAttributes(string("deployment.environment.name", "production"))
                        .addAttributes(string("host.name", pod))
                        .addAttributes(string("k8s.pod.name", pod))
                        .addAttributes(string("k8s.namespace.name", "shop"))
                        .addAttributes(string("telemetry.sdk.name", "opentelemetry"))
                        .addAttributes(string("telemetry.sdk.language", "java"))
                        .addAttributes(string("telemetry.sdk.version", "1.56.0"))
                        .addAttributes(string("telemetry.distro.name", "opentelemetry-java-instrumentation"))
                        .addAttributes(string("process.runtime.name", "OpenJDK Runtime Environment"))
                        .addAttributes(string("process.runtime.version", "21.0.5+11-LTS"))
                        .build());
              }
              return made;
            });
    return instances.get(random.nextInt(instances.size()));
  }

  private static Call httpServer(String method, String route) {
    return new Call(
        ENTRY_SERVICE,
        SpanKind.SPAN_KIND_SERVER,
        method + " " + route,
        Scope.HTTP_SERVER,
        List.of(
            string("http.request.method", method),
            string("http.route", route),
            string("url.scheme", "https"),
            string("server.address", "shop.example.com"),
            integer("server.port", 443),
            string("network.protocol.version", "1.1")));
  }

  private static Call httpClient(String service, String method, String url) {
    String host = url.substring(url.indexOf("//") + 2).replaceFirst("[:/].*", "");
    return new Call(
        service,
        SpanKind.SPAN_KIND_CLIENT,
        method,
        Scope.HTTP_CLIENT,
        List.of(
            string("http.request.method", method),
            string("url.full", url),
            string("server.address", host),
            integer("server.port", url.startsWith("https") ? 443 : 8080),
            string("network.protocol.version", "1.1")));
  }

  private static Call grpc(String service, String grpcService, String method) {
    String fullService = "oteldemo." + grpcService;
    return new Call(
        service,
        SpanKind.SPAN_KIND_SERVER,
        fullService + "/" + method,
        Scope.GRPC,
        List.of(
            string("rpc.system", "grpc"),
            string("rpc.service", fullService),
            string("rpc.method", method),
            string("server.address", service),
            integer("server.port", 7070)));
  }

  private static Call sql(String service, String operation, String table, String query) {
    return new Call(
        service,
        SpanKind.SPAN_KIND_CLIENT,
        table.isEmpty() ? operation : operation + " shop." + table,
        Scope.JDBC,
        List.of(
            string("db.system.name", "postgresql"),
            string("db.namespace", "shop"),
            string("db.operation.name", operation),
            string("db.collection.name", table),
            string("db.query.text", query),
            string("server.address", "postgres.shop.svc"),
            integer("server.port", 5432)));
  }

  private static Call redis(String service, String operation, String query) {
    return new Call(
        service,
        SpanKind.SPAN_KIND_CLIENT,
        operation,
        Scope.REDIS,
        List.of(
            string("db.system.name", "redis"),
            string("db.operation.name", operation),
            string("db.query.text", query),
            string("server.address", "redis.shop.svc"),
            integer("server.port", 6379)));
  }

  private static Call internal(String service, String name) {
    return new Call(service, SpanKind.SPAN_KIND_INTERNAL, name, Scope.INTERNAL, List.of());
  }

  private static KeyValue string(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  private static KeyValue integer(String key, long value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
  }
}

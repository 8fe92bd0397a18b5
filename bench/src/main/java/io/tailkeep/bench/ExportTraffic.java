package io.tailkeep.bench;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tailkeep.bench.OtlpTraces.Exported;
import io.tailkeep.deploy.demo.ShopKind;
import io.tailkeep.deploy.demo.ShopSpan;
import io.tailkeep.deploy.demo.ShopTraces;
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
import java.util.concurrent.TimeUnit;

/**
 * OTLP export requests as an agent's batch processor sends them to a gateway: 512 spans each, of
 * the shop's traces ({@link ShopTraces}, the model the demo sends too) grown to 5-50 spans (a
 * health check to 5-8), each span exported when it ends (so a trace's root comes last) and the
 * spans of {@value #TRACES_IN_FLIGHT} traces in flight interleaved, so a trace spreads over about
 * three consecutive requests. Spans are grouped in a request by resource (service instance) and
 * instrumentation scope, as the OTLP exporter does ({@link OtlpTraces}).
 *
 * <p>The kinds of trace come in their shares of the shop's traffic ({@link ShopKind.Mix#SHOP}), each
 * meeting one default rule, so that about 5 % of traces are kept ({@link ShopKind#KEPT_OF_SHOP}).
 * Trace and span IDs are random from the seed, so a run with a fresh seed never repeats a trace ID.
 */
final class ExportTraffic {

  static final int SPANS_PER_REQUEST = 512;
  static final int TRACES_IN_FLIGHT = 64;

  /**
   * Serialized requests and what they hold; requests are sent as they are, never re-encoded. They are
   * kept outside the heap, so millions of prepared spans do not weigh on the server's GC.
   */
  record Requests(List<ByteBuffer> encoded, long spans, long requestBytes, long spanBytes) {}

  /** Direct memory is allocated in chunks this big, each holding many requests. */
  private static final int CHUNK_BYTES = 64 << 20;

  private final SplittableRandom random;
  private final ShopTraces shop;
  private final OtlpTraces otlp;
  private final List<ArrayDeque<Exported>> inFlight = new ArrayList<>(TRACES_IN_FLIGHT);
  private final Map<ShopKind, Long> tracesByKind = new EnumMap<>(ShopKind.class);
  private final long startNanos;

  ExportTraffic(long seed, long epochNanos) {
    this.random = new SplittableRandom(seed);
    this.shop = new ShopTraces(random);
    this.otlp = new OtlpTraces(random);
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
  Map<ShopKind, Long> tracesByKind() {
    return new EnumMap<>(tracesByKind);
  }

  private ExportTraceServiceRequest nextRequest() {
    // Resource and scope objects are shared, so identity groups them as the exporter does.
    Map<Resource, Map<InstrumentationScope, List<Span>>> grouped = new IdentityHashMap<>();
    List<Resource> order = new ArrayList<>();
    for (int i = 0; i < SPANS_PER_REQUEST; i++) {
      Exported pending = nextSpan();
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
  private Exported nextSpan() {
    int slot = random.nextInt(TRACES_IN_FLIGHT);
    ArrayDeque<Exported> trace = inFlight.get(slot);
    Exported span = trace.poll();
    if (trace.isEmpty()) {
      inFlight.set(slot, newTrace());
    }
    return span;
  }

  private ArrayDeque<Exported> newTrace() {
    ShopKind kind = shop.nextKind(ShopKind.Mix.SHOP);
    tracesByKind.merge(kind, 1L, Long::sum);
    int size = kind == ShopKind.HEALTH_CHECK ? random.nextInt(5, 9) : random.nextInt(5, 51);
    ShopSpan root = shop.trace(kind, size);
    List<Exported> spans = otlp.render(root, startNanos + random.nextLong(TimeUnit.HOURS.toNanos(1)));
    // Exported as they end; the root ends last (children end within their parent), so it goes last.
    List<Exported> children = new ArrayList<>(spans.subList(1, spans.size()));
    children.sort(Comparator.comparingLong(exported -> exported.span().getEndTimeUnixNano()));
    ArrayDeque<Exported> byEnd = new ArrayDeque<>(children);
    byEnd.add(spans.get(0));
    return byEnd;
  }
}

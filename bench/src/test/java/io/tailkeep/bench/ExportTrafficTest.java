package io.tailkeep.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tailkeep.deploy.demo.ShopKind;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The ingest benchmarks' requests: their size, grouping, interleaving and determinism. */
class ExportTrafficTest {

  private static final long EPOCH_NANOS = 1_700_000_000_000_000_000L;

  @Test
  void requestsHold512SpansGroupedByResourceAndScope() throws Exception {
    ExportTraffic.Requests requests = new ExportTraffic(1, EPOCH_NANOS).next(20L * ExportTraffic.SPANS_PER_REQUEST);

    assertThat(requests.encoded()).hasSize(20);
    assertThat(requests.spans()).isEqualTo(20L * ExportTraffic.SPANS_PER_REQUEST);
    assertThat(requests.requestBytes()).isGreaterThan(requests.spanBytes());
    for (ByteBuffer encoded : requests.encoded()) {
      ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(encoded.duplicate());
      Set<Resource> resources = new HashSet<>();
      int spans = 0;
      for (ResourceSpans rs : request.getResourceSpansList()) {
        assertThat(resources.add(rs.getResource())).as("each resource once per request").isTrue();
        Set<String> scopes = new HashSet<>();
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          assertThat(scopes.add(ss.getScope().getName())).as("each scope once per resource").isTrue();
          spans += ss.getSpansCount();
        }
      }
      assertThat(spans).isEqualTo(ExportTraffic.SPANS_PER_REQUEST);
    }
  }

  @Test
  void aTracesRootComesInItsLastRequestAndTracesSpreadOverRequests() throws Exception {
    ExportTraffic.Requests requests = new ExportTraffic(2, EPOCH_NANOS).next(40L * ExportTraffic.SPANS_PER_REQUEST);
    Map<ByteString, Integer> rootRequest = new HashMap<>();
    Map<ByteString, Set<Integer>> requestsOfTrace = new HashMap<>();
    int index = 0;
    for (ByteBuffer encoded : requests.encoded()) {
      for (Span span : spans(ExportTraceServiceRequest.parseFrom(encoded.duplicate()))) {
        ByteString traceId = span.getTraceId();
        assertThat(rootRequest.getOrDefault(traceId, index)).as("the request of a span's root").isEqualTo(index);
        if (span.getParentSpanId().isEmpty()) {
          rootRequest.put(traceId, index);
        }
        requestsOfTrace.computeIfAbsent(traceId, id -> new HashSet<>()).add(index);
      }
      index++;
    }
    double meanRequests =
        requestsOfTrace.values().stream().mapToInt(Set::size).average().orElseThrow();
    assertThat(rootRequest.size()).as("traces completed").isGreaterThan(600);
    assertThat(meanRequests).as("requests a trace spreads over").isBetween(2.0, 4.0);
  }

  @Test
  void theSameSeedMakesTheSameRequestsAndTheShopsMix() {
    ExportTraffic first = new ExportTraffic(3, EPOCH_NANOS);
    ExportTraffic second = new ExportTraffic(3, EPOCH_NANOS);
    List<ByteBuffer> a = first.next(10L * ExportTraffic.SPANS_PER_REQUEST).encoded();
    List<ByteBuffer> b = second.next(10L * ExportTraffic.SPANS_PER_REQUEST).encoded();
    assertThat(a).isEqualTo(b);
    assertThat(new ExportTraffic(4, EPOCH_NANOS).next(ExportTraffic.SPANS_PER_REQUEST).encoded().get(0))
        .isNotEqualTo(a.get(0));

    ExportTraffic many = new ExportTraffic(5, EPOCH_NANOS);
    many.next(400L * ExportTraffic.SPANS_PER_REQUEST);
    Map<ShopKind, Long> byKind = many.tracesByKind();
    long traces = byKind.values().stream().mapToLong(Long::longValue).sum();
    assertThat(byKind).containsOnlyKeys(ShopKind.values());
    assertThat((double) byKind.get(ShopKind.ORDINARY) / traces).isBetween(0.79, 0.84);
    assertThat((double) byKind.get(ShopKind.HEALTH_CHECK) / traces).isBetween(0.04, 0.06);
  }

  private static List<Span> spans(ExportTraceServiceRequest request) {
    return request.getResourceSpansList().stream()
        .flatMap(rs -> rs.getScopeSpansList().stream())
        .flatMap(ss -> ss.getSpansList().stream())
        .toList();
  }
}

package io.tailkeep.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.BatchSummary.ServiceOperation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Distinct operations in arrival order, while scanned and once indexed. */
class OperationSetTest {

  private static final int SERVER = SpanKind.SPAN_KIND_SERVER_VALUE;
  private static final int CLIENT = SpanKind.SPAN_KIND_CLIENT_VALUE;

  @Test
  void keepsEachOperationOnceInArrivalOrderTellingKindsApart() {
    OperationSet set = new OperationSet();
    assertThat(set.add("cart", "GET /cart", SERVER)).isTrue();
    assertThat(set.add("cart", "GET /cart", CLIENT)).isTrue();
    assertThat(set.add("shop", "GET /cart", SERVER)).isTrue();
    // Equal strings that are not the same instance are the same operation.
    assertThat(set.add(new String("cart"), new String("GET /cart"), SERVER)).isFalse();

    assertThat(set.toList()).containsExactly(
        new ServiceOperation("cart", "GET /cart", SpanKind.SPAN_KIND_SERVER),
        new ServiceOperation("cart", "GET /cart", SpanKind.SPAN_KIND_CLIENT),
        new ServiceOperation("shop", "GET /cart", SpanKind.SPAN_KIND_SERVER));
  }

  @Test
  void manyOperationsStayDistinctOnceIndexed() {
    OperationSet set = new OperationSet();
    List<ServiceOperation> expected = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 5_000; i++) {
        String service = "service-" + (i % 7);
        String name = "op-" + i;
        int kind = i % 2 == 0 ? SERVER : CLIENT;
        assertThat(set.add(service, name, kind)).isEqualTo(round == 0);
        if (round == 0) {
          expected.add(new ServiceOperation(
              service, name, i % 2 == 0 ? SpanKind.SPAN_KIND_SERVER : SpanKind.SPAN_KIND_CLIENT));
        }
      }
    }
    assertThat(set.size()).isEqualTo(5_000);
    assertThat(set.toList()).isEqualTo(expected);
  }
}

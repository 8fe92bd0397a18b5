package io.tailkeep.sampler.traffic;

import static io.tailkeep.sampler.traffic.TrafficSpans.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.wire.AttributeKeys;
import io.tailkeep.store.wire.SpanFieldReader;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A CLIENT span's peer as the buffer's reader names it ({@link ServiceGraph#PEER_KEYS}). */
class CallPeerTest {

  private static final SpanFieldReader PEERS = new SpanFieldReader(AttributeKeys.NONE, ServiceGraph.PEER_KEYS);

  private static String peerOf(WireSpan span) {
    return PEERS.read(span).peer();
  }


  /** The peer as a general reader's visitor finds it: the earliest-ranked key's first non-empty string value. */
  private static String byReader(WireSpan span) {
    String[] name = {""};
    int[] rank = {Integer.MAX_VALUE};
    new SpanFieldReader(new AttributeKeys(ServiceGraph.PEER_ATTRIBUTES, List.of()))
        .read(span, (key, value, inArray) -> {
          if (!inArray && key < rank[0] && value instanceof String text && !text.isEmpty()) {
            rank[0] = key;
            name[0] = text;
          }
        });
    return name[0];
  }

  private static TrafficSpans.Builder client() {
    return span("checkout", 1, 0).client().attribute("http.request.method", "GET");
  }

  @Test
  void findsWhatAGeneralReaderFinds() {
    AnyValue array = AnyValue.newBuilder()
        .setArrayValue(ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setStringValue("in-array")))
        .build();
    List<WireSpan> spans = List.of(
        client().build(),
        client().attribute("db.system", "postgresql").build(),
        client().attribute("server.address", "db-7").attribute("db.system", "postgresql")
            .attribute("db.name", "orders").attribute("peer.service", "orders-db").build(),
        client().attribute("net.peer.name", "legacy").attribute("server.address", "api.stripe.com").build(),
        client().attribute("db.system.name", "redis").attribute("db.system", "valkey").build(),
        client().attribute("db.namespace", "0").attribute("db.name", "other").build(),
        client().attribute("peer.service", "").attribute("db.system", "mysql").build(),
        client().attribute("db.system", 5L).attribute("server.address", "host-by-number").build(),
        client().attribute("db.system", array).attribute("net.peer.name", "after-an-array").build(),
        client().attribute("db.system", "first").attribute("db.system", "second").build(),
        client().attribute("server.address", "bäckerei.example").build(),
        client().attribute("db.systems", "almost").attribute("db.sys", "short").build());

    for (WireSpan span : spans) {
      assertThat(peerOf(span)).as(span.toString()).isEqualTo(byReader(span));
    }
    assertThat(spans).extracting(CallPeerTest::peerOf).containsExactly(
        "", "postgresql", "orders-db", "api.stripe.com", "redis", "0", "mysql", "host-by-number",
        "after-an-array", "first", "bäckerei.example", "");
  }

  @Test
  void aValueBeforeItsKeyOrAKeyValueWithTwoValuesIsReadAsAGeneralReaderReadsIt() throws Exception {
    WireSpan plain = client().build();
    // Encoders write a key first; one written the other way round is not taken.
    byte[] valueFirst = keyValue(value("upside-down"), key("peer.service"));
    // A value field twice in one KeyValue: the first non-empty string counts.
    byte[] twoValues = keyValue(key("db.system"), value(""), value("postgresql"), value("later"));
    for (byte[] extra : List.of(valueFirst, twoValues)) {
      byte[] bytes = concat(plain.bytes(), attributeField(extra));
      WireSpan span = new WireSpan(plain.origin(), bytes, 1, 1, 1, 0);
      assertThat(peerOf(span)).isEqualTo(byReader(span));
    }
    WireSpan both = new WireSpan(plain.origin(),
        concat(plain.bytes(), attributeField(valueFirst), attributeField(twoValues)), 1, 1, 1, 0);
    assertThat(peerOf(both)).isEqualTo("postgresql").isEqualTo(byReader(both));
  }

  @Test
  void manyMoreNamesThanTheTableHoldsAreEachReadRight() {
    List<WireSpan> spans = new ArrayList<>();
    for (int i = 0; i < 5000; i++) { // more than the reader's table of recent strings holds
      spans.add(client().attribute("server.address", "host-" + i + ".internal").build());
    }
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < spans.size(); i++) {
        assertThat(peerOf(spans.get(i))).isEqualTo("host-" + i + ".internal");
      }
    }
  }

  @Test
  void aRepeatedNameIsTheSameStringEachTime() {
    WireSpan first = client().attribute("db.system", "a-database-only-this-test-names").build();
    WireSpan second = span("orders", 2, 0).client().attribute("db.system", "a-database-only-this-test-names").build();
    assertThat(peerOf(second)).isSameAs(peerOf(first));
  }

  @Test
  void onlyClientSpansHaveAPeerAndOnlyReadersGivenThePeerKeys() {
    WireSpan server = span("orders", 2, 1).server().attribute("server.address", "orders.internal").build();
    WireSpan producer = span("orders", 3, 1).kind(SpanKind.SPAN_KIND_PRODUCER).attribute("peer.service", "kafka").build();
    WireSpan database = client().attribute("db.system", "postgresql").build();

    assertThat(peerOf(server)).isNull();
    assertThat(peerOf(producer)).isNull();
    assertThat(new SpanFieldReader(AttributeKeys.NONE).read(database).peer()).isNull();
  }

  @Test
  void aReaderThatAlsoCollectsTheSameKeysForRulesNamesTheSamePeer() {
    WireSpan span = client().attribute("db.system", "postgresql").attribute("server.address", "db-7").build();
    List<Object> collected = new ArrayList<>();
    SpanFieldReader rules = new SpanFieldReader(new AttributeKeys(List.of("db.system"), List.of("server.")), ServiceGraph.PEER_KEYS);

    String peer = rules.read(span, (key, value, inArray) -> collected.add(value)).peer();

    assertThat(peer).isEqualTo("postgresql");
    assertThat(collected).containsExactly("postgresql", "db-7");
  }

  @Test
  void aKindWrittenAfterTheAttributesStillNamesThePeer() throws Exception {
    WireSpan plain = span("checkout", 1, 0).kind(SpanKind.SPAN_KIND_UNSPECIFIED).attribute("db.system", "postgresql").build();
    byte[] clientKind = {6 << 3, 3}; // field 6 (kind), varint 3 (CLIENT), after the attributes
    WireSpan span = new WireSpan(plain.origin(), concat(plain.bytes(), clientKind), 1, 1, 1, 0);

    assertThat(PEERS.read(span).kind()).isEqualTo(3);
    assertThat(peerOf(span)).isEqualTo("postgresql");
  }

  private static byte[] key(String key) throws Exception {
    return field(1, key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static byte[] value(String text) throws Exception {
    return field(2, AnyValue.newBuilder().setStringValue(text).build().toByteArray());
  }

  private static byte[] keyValue(byte[]... fields) {
    return concat(fields);
  }

  private static byte[] attributeField(byte[] keyValue) throws Exception {
    return field(9, keyValue);
  }

  private static byte[] field(int number, byte[] bytes) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream coded = CodedOutputStream.newInstance(out);
    coded.writeBytes(number, ByteString.copyFrom(bytes));
    coded.flush();
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}

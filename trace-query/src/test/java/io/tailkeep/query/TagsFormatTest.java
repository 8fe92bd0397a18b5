package io.tailkeep.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TagsFormatTest {

  @Test
  void readsRepeatedKeyValuePairsSplittingAtTheFirstColon() {
    assertThat(TagsFormat.parse(List.of("http.route:/checkout", "url.full: http://shop/x ", "error.type:")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("http.route", "/checkout", "url.full", "http://shop/x", "error.type", ""));
  }

  @Test
  void readsAJsonObjectAsJaegerSendsIt() {
    assertThat(TagsFormat.parse(List.of("{\"http.route\":\"/checkout\",\"http.response.status_code\":500,\"x\":true}")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("http.route", "/checkout", "http.response.status_code", "500", "x", "true"));
  }

  @Test
  void mergesBothFormsAndIgnoresEmptyValues() {
    assertThat(TagsFormat.parse(List.of("a:1", "", "{\"b\":\"2\"}", "a:1"))).containsExactly(
        Map.entry("a", "1"), Map.entry("b", "2"));
  }

  @Test
  void refusesMalformedTags() {
    assertThatThrownBy(() -> TagsFormat.parse(List.of("no-colon"))).hasMessageContaining("got 'no-colon'");
    assertThatThrownBy(() -> TagsFormat.parse(List.of(":value"))).hasMessageContaining("blank key");
    assertThatThrownBy(() -> TagsFormat.parse(List.of("{\"a\":"))).hasMessageContaining("JSON object");
    assertThatThrownBy(() -> TagsFormat.parse(List.of("{\"a\":{\"b\":1}}"))).hasMessageContaining("'a' is an object");
    assertThatThrownBy(() -> TagsFormat.parse(List.of("{\"a\":null}"))).hasMessageContaining("'a' is null");
    assertThatThrownBy(() -> TagsFormat.parse(List.of("a:1", "a:2"))).hasMessageContaining("'a' twice");
    assertThatThrownBy(() -> TagsFormat.parse(List.of("{\"a\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}")))
        .hasMessageContaining("JSON object");
    assertThatThrownBy(() -> TagsFormat.parse(List.of("{\"a\":\"[[[[\",\"b\":[1]}"))).hasMessageContaining("'b' is an array");
  }
}

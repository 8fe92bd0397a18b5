package io.tailkeep.store.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecentStringsTest {

  private final RecentStrings table = new RecentStrings();

  private String text(String text) throws InvalidProtocolBufferException {
    byte[] utf8 = ("<<" + text + ">>").getBytes(StandardCharsets.UTF_8);
    return table.text(utf8, 2, utf8.length - 4); // a slice, as of a span's bytes
  }

  @Test
  void aRepeatedTextIsTheSameString() throws Exception {
    String first = text("GET /checkout");

    assertThat(first).isEqualTo("GET /checkout");
    assertThat(text("GET /checkout")).isSameAs(first);
    assertThat(text("bäckerei")).isEqualTo("bäckerei");
    assertThat(text("")).isEmpty();
  }

  @Test
  void farMoreTextsThanSlotsAreEachDecodedRight() throws Exception {
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 10 * RecentStrings.SIZE; i++) {
        assertThat(text("SELECT * FROM orders WHERE id = " + i)).isEqualTo("SELECT * FROM orders WHERE id = " + i);
      }
    }
  }

  @Test
  void aLongTextIsDecodedEachTime() throws Exception {
    String statement = "x".repeat(RecentStrings.MAX_LENGTH + 1);

    assertThat(text(statement)).isEqualTo(statement).isNotSameAs(text(statement));
  }

  @Test
  void invalidUtf8IsRefusedAndNotRemembered() {
    byte[] bad = {'a', (byte) 0xC3};

    for (int round = 0; round < 2; round++) {
      assertThatThrownBy(() -> table.text(bad, 0, bad.length))
          .isInstanceOf(InvalidProtocolBufferException.class)
          .hasMessageContaining("invalid UTF-8");
    }
  }
}

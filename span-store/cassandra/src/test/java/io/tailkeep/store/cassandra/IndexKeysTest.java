package io.tailkeep.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IndexKeysTest {
  static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  @Test
  void aNameThatFitsIsKeptAsItIs() {
    String name = "GET /api/orders/{id}";
    assertThat(IndexKeys.bounded(name)).isSameAs(name);
    assertThat(IndexKeys.bounded(null)).isNull();
    assertThat(IndexKeys.bounded("x".repeat(1024))).hasSize(1024);
    assertThat(IndexKeys.fits("x".repeat(1024))).isTrue();
    assertThat(IndexKeys.fits("x".repeat(1025))).isFalse();
    assertThat(IndexKeys.fits("é".repeat(512))).isTrue();
    assertThat(IndexKeys.fits("é".repeat(513))).isFalse();
  }

  @Test
  void aLongNameIsCutToItsLongestPrefixOfAtMost1KiBOfUtf8() {
    String ascii = "x".repeat(64 * 1024);
    assertThat(IndexKeys.bounded(ascii)).isEqualTo("x".repeat(1024));
    assertThat(IndexKeys.bounded("é".repeat(600))).isEqualTo("é".repeat(512)); // 2 bytes each
    assertThat(IndexKeys.bounded("€".repeat(400))).isEqualTo("€".repeat(341)); // 3 bytes each: 1023
    assertThat(IndexKeys.bounded("a" + "€".repeat(400))).isEqualTo("a" + "€".repeat(341)); // 1024
  }

  @Test
  void neverCutsInsideASurrogatePair() {
    String emoji = "\uD83D\uDE00"; // U+1F600, 4 bytes of UTF-8
    for (int lead = 0; lead < 8; lead++) {
      String name = "a".repeat(lead) + emoji.repeat(400);
      String cut = IndexKeys.bounded(name);

      assertThat(name).startsWith(cut);
      assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 1))).isFalse();
      assertThat(new String(cut.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(cut);
      assertThat(utf8(cut)).isLessThanOrEqualTo(1024).isGreaterThan(1024 - 4); // the next one would not fit
      assertThat(utf8(cut) + 4).isGreaterThan(1024);
    }
  }

  @Test
  void cutsMixedTextAtTheLastCodePointThatFits() {
    String[] codePoints = {"a", "é", "€", "\uD83D\uDE00"};
    for (int shift = 0; shift < codePoints.length; shift++) {
      StringBuilder name = new StringBuilder();
      for (int i = 0; name.length() < 2_000; i++) {
        name.append(codePoints[(i + shift) % codePoints.length]);
      }
      String cut = IndexKeys.bounded(name.toString());
      String rest = name.substring(cut.length());
      String next = rest.substring(0, Character.charCount(rest.codePointAt(0)));

      assertThat(utf8(cut)).isLessThanOrEqualTo(1024);
      assertThat(utf8(cut + next)).isGreaterThan(1024);
    }
  }
}

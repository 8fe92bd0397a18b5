package io.tailkeep.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SizeSyntaxTest {

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "1000, 1000",
    "0, 0",
    "7B, 7",
    "512KiB, 524288",
    "4MiB, 4194304",
    "'64 MiB', 67108864",
    "2GiB, 2147483648",
    "3KB, 3000",
    "8MB, 8000000",
    "1GB, 1000000000",
    "8589934591GiB, 9223372035781033984", // the most GiB a long holds
  })
  void readsWholeNumbersWithAnOptionalUnit(String text, long bytes) {
    assertThat(SizeSyntax.parseBytes(text)).isEqualTo(bytes);
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"", "12 parsecs", "1.5MiB", "-1", "+1", "4mib", "4 M", "MiB", "4MiB ", " 4MiB", "1TiB"})
  void refusesWhatIsNotASize(String text) {
    assertThatThrownBy(() -> SizeSyntax.parseBytes(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("is not a size; expected a whole number and optionally a unit"
            + " (B, KiB, MiB, GiB, KB, MB, GB), e.g. 512MiB");
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"8589934592GiB", "9223372036854775808", "99999999999999999999B"})
  void refusesWhatALongCannotHoldRatherThanWrapping(String text) {
    assertThatThrownBy(() -> SizeSyntax.parseBytes(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("is too large");
  }

  @Test
  void nothingIsNotASize() {
    assertThatThrownBy(() -> SizeSyntax.parseBytes(null)).hasMessageStartingWith("is not a size");
  }
}

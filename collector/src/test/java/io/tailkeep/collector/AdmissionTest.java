package io.tailkeep.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AdmissionTest {

  @Test
  void acceptHasNoReasonNorDelay() {
    assertThat(Admission.accept().accepted()).isTrue();
    assertThat(Admission.accept().retryAfter()).isZero();
  }

  @Test
  void fullCarriesReasonAndDelay() {
    Admission full = Admission.full("buffer full", Duration.ofSeconds(2));

    assertThat(full.accepted()).isFalse();
    assertThat(full.reason()).isEqualTo("buffer full");
    assertThat(full.retryAfter()).hasSeconds(2);
  }

  @Test
  void refusalNeedsAReason() {
    assertThatThrownBy(() -> Admission.full(" ", Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reason");
  }

  @Test
  void retryAfterMustNotBeNegative() {
    assertThatThrownBy(() -> Admission.full("full", Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retryAfter must not be negative, got PT-1S");
  }
}

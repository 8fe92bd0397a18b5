package io.tailkeep.ui.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LogsLinkTest {

  @Test
  void knownPlaceholdersInAnAbsoluteUrlAreFine() {
    assertThat(LogsLink.problems("https://logs.example/search?q=trace_id%3D{traceId}&from={startMs}&to={endMs}")).isEmpty();
    assertThat(LogsLink.problems("http://grafana:3000/explore?expr={app=\"shop\"} |= \"{traceId}\"")).isEmpty();
  }

  @Test
  void anUnknownPlaceholderOrARelativeUrlIsNamed() {
    assertThat(LogsLink.problems("https://logs.example/?t={trace_id}"))
        .containsExactly("unknown placeholder {trace_id} (known: {traceId}, {spanId}, {service}, {startMs}, {endMs},"
            + " {startIso}, {endIso})");
    assertThat(LogsLink.problems("/logs?t={traceId}"))
        .containsExactly("must be an absolute http or https URL, got '/logs?t={traceId}'");
    assertThat(LogsLink.problems("javascript:alert({traceId})")).hasSize(1);
    assertThatThrownBy(() -> new LogsLink(" ", "https://logs.example/{traceId}"))
        .hasMessage("the link's name must not be blank");
  }
}

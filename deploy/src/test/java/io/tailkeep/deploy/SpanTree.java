package io.tailkeep.deploy;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of a trace to send: a span, its service, timing relative to the trace's start, and its
 * children. {@link OtelServices} turns it into spans of the real OpenTelemetry SDK.
 *
 * <pre>{@code
 * span("web-frontend", "GET /orders/{id}").server().route("/orders/{id}").lasting(120)
 *     .child(span("orders", "SELECT order").client().at(5).lasting(30).error())
 * }</pre>
 */
final class SpanTree {

  final String service;
  final String name;
  SpanKind kind = SpanKind.INTERNAL;
  long offsetMillis;
  long durationMillis = 10;
  boolean error;
  final AttributesBuilder attributes = Attributes.builder();
  final List<SpanTree> children = new ArrayList<>();

  private SpanTree(String service, String name) {
    this.service = service;
    this.name = name;
  }

  static SpanTree span(String service, String name) {
    return new SpanTree(service, name);
  }

  SpanTree server() {
    kind = SpanKind.SERVER;
    return this;
  }

  SpanTree client() {
    kind = SpanKind.CLIENT;
    return this;
  }

  SpanTree producer() {
    kind = SpanKind.PRODUCER;
    return this;
  }

  SpanTree consumer() {
    kind = SpanKind.CONSUMER;
    return this;
  }

  /** Starts this many milliseconds after the trace's root. */
  SpanTree at(long millis) {
    offsetMillis = millis;
    return this;
  }

  SpanTree lasting(long millis) {
    durationMillis = millis;
    return this;
  }

  /** Status ERROR. */
  SpanTree error() {
    error = true;
    return this;
  }

  SpanTree attr(String key, String value) {
    attributes.put(key, value);
    return this;
  }

  SpanTree attr(String key, long value) {
    attributes.put(key, value);
    return this;
  }

  SpanTree route(String route) {
    return attr("http.route", route);
  }

  SpanTree child(SpanTree... spans) {
    children.addAll(List.of(spans));
    return this;
  }

  int size() {
    int size = 1;
    for (SpanTree child : children) {
      size += child.size();
    }
    return size;
  }
}

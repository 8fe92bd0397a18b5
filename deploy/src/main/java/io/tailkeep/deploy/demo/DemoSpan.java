package io.tailkeep.deploy.demo;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanKind;
import java.util.ArrayList;
import java.util.List;

/**
 * One span of a planned trace: its service, name, kind, attributes and timing in milliseconds
 * from the trace's start, and the spans it caused. Plain data; {@link DemoSender} turns it into
 * spans of the OpenTelemetry SDK.
 */
final class DemoSpan {

  final DemoService service;
  final String name;
  final SpanKind kind;
  final AttributesBuilder attributes = Attributes.builder();
  final List<DemoSpan> children = new ArrayList<>();
  long offsetMillis;
  long durationMillis = 1;
  /** Non-null: the span failed with this exception (status ERROR and an exception event). */
  String exceptionType;
  String exceptionMessage;

  private DemoSpan(DemoService service, String name, SpanKind kind) {
    this.service = service;
    this.name = name;
    this.kind = kind;
  }

  static DemoSpan server(DemoService service, String name) {
    return new DemoSpan(service, name, SpanKind.SERVER);
  }

  static DemoSpan client(DemoService service, String name) {
    return new DemoSpan(service, name, SpanKind.CLIENT);
  }

  static DemoSpan internal(DemoService service, String name) {
    return new DemoSpan(service, name, SpanKind.INTERNAL);
  }

  /** Starts this many milliseconds after the trace's root. */
  DemoSpan at(long millis) {
    offsetMillis = millis;
    return this;
  }

  DemoSpan lasting(long millis) {
    durationMillis = millis;
    return this;
  }

  DemoSpan attr(String key, String value) {
    attributes.put(AttributeKey.stringKey(key), value);
    return this;
  }

  DemoSpan attr(String key, long value) {
    attributes.put(AttributeKey.longKey(key), value);
    return this;
  }

  DemoSpan failed(String type, String message) {
    exceptionType = type;
    exceptionMessage = message;
    return this;
  }

  DemoSpan child(DemoSpan... spans) {
    children.addAll(List.of(spans));
    return this;
  }

  boolean failed() {
    return exceptionType != null;
  }

  int spanCount() {
    return 1 + children.stream().mapToInt(DemoSpan::spanCount).sum();
  }
}

package io.tailkeep.sampler.rules;

import io.opentelemetry.proto.trace.v1.Span;

/** The span kinds a rule can name, as they are written in the rules file. */
enum SpanKindName {
  SERVER("server"),
  CLIENT("client"),
  PRODUCER("producer"),
  CONSUMER("consumer"),
  INTERNAL("internal");

  final String yamlName;

  SpanKindName(String yamlName) {
    this.yamlName = yamlName;
  }

  int bit() {
    return 1 << ordinal();
  }

  /**
   * The kind OTLP numbers so; its unspecified kind (and any unknown number) counts as internal, as
   * the OpenTelemetry specification says.
   */
  static SpanKindName ofNumber(int kind) {
    return switch (kind) {
      case Span.SpanKind.SPAN_KIND_SERVER_VALUE -> SERVER;
      case Span.SpanKind.SPAN_KIND_CLIENT_VALUE -> CLIENT;
      case Span.SpanKind.SPAN_KIND_PRODUCER_VALUE -> PRODUCER;
      case Span.SpanKind.SPAN_KIND_CONSUMER_VALUE -> CONSUMER;
      default -> INTERNAL;
    };
  }

  static SpanKindName fromYamlName(String name) {
    for (SpanKindName kind : values()) {
      if (kind.yamlName.equals(name)) {
        return kind;
      }
    }
    return null;
  }
}

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

  /** OTLP's unspecified kind counts as internal, as the OpenTelemetry specification says. */
  static SpanKindName of(Span.SpanKind kind) {
    return switch (kind) {
      case SPAN_KIND_SERVER -> SERVER;
      case SPAN_KIND_CLIENT -> CLIENT;
      case SPAN_KIND_PRODUCER -> PRODUCER;
      case SPAN_KIND_CONSUMER -> CONSUMER;
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

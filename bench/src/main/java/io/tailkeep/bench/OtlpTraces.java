package io.tailkeep.bench;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status;
import io.tailkeep.deploy.demo.ShopService;
import io.tailkeep.deploy.demo.ShopSpan;
import io.tailkeep.deploy.demo.ShopSpan.Instrumentation;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * The shop's traces ({@link io.tailkeep.deploy.demo.ShopTraces}, the model the demo sends too) as
 * OTLP protobuf, as the OpenTelemetry Java agent in each service instance exports them: random
 * trace and span IDs from the benchmark's seeded generator, each span with the resource of the
 * instance that served it (two instances of each service, with the agent's resource attributes)
 * and the scope of the instrumentation that made it. Resource and scope objects are shared, so
 * identity groups them as the exporter does.
 */
final class OtlpTraces {

  /** A span and where the exporter files it. */
  record Exported(Resource resource, InstrumentationScope scope, Span span) {}

  private static final int INSTANCES_PER_SERVICE = 2;
  private static final Map<Instrumentation, InstrumentationScope> SCOPES = new EnumMap<>(Instrumentation.class);

  static {
    for (Instrumentation instrumentation : Instrumentation.values()) {
      SCOPES.put(
          instrumentation,
          InstrumentationScope.newBuilder()
              .setName(instrumentation.scopeName)
              .setVersion(Instrumentation.VERSION)
              .build());
    }
  }

  private final RandomGenerator random;
  private final Map<ShopService, List<Resource>> instances = new EnumMap<>(ShopService.class);

  OtlpTraces(RandomGenerator random) {
    this.random = random;
  }

  /** The trace's spans, each before its children, its root starting at {@code rootStartNanos}. */
  List<Exported> render(ShopSpan root, long rootStartNanos) {
    byte[] traceId = new byte[16];
    random.nextBytes(traceId);
    traceId[15] |= 1; // never all zeros
    List<Exported> spans = new ArrayList<>(root.spanCount());
    // One instance of each service serves the whole request.
    Map<ShopService, Resource> serving = new EnumMap<>(ShopService.class);
    add(root, ByteString.EMPTY, ByteString.copyFrom(traceId), rootStartNanos, serving, spans);
    return spans;
  }

  private void add(
      ShopSpan span, ByteString parentId, ByteString traceId, long rootStartNanos,
      Map<ShopService, Resource> serving, List<Exported> spans) {
    ByteString spanId = spanId();
    long start = rootStartNanos + span.offsetNanos();
    long end = start + span.durationNanos();
    Span.Builder built =
        Span.newBuilder()
            .setTraceId(traceId)
            .setSpanId(spanId)
            .setParentSpanId(parentId)
            .setName(span.name())
            .setKind(kind(span.kind()))
            .setStartTimeUnixNano(start)
            .setEndTimeUnixNano(end);
    span.attributes().forEach((key, value) -> built.addAttributes(attribute(key, value)));
    if (span.failed()) {
      built.addEvents(
              Span.Event.newBuilder()
                  .setName("exception")
                  .setTimeUnixNano(end)
                  .addAttributes(attribute("exception.type", span.exceptionType()))
                  .addAttributes(attribute("exception.message", span.exceptionMessage())))
          .setStatus(
              Status.newBuilder()
                  .setCode(Status.StatusCode.STATUS_CODE_ERROR)
                  .setMessage(span.exceptionMessage()));
    }
    Resource resource =
        serving.computeIfAbsent(span.service(), service -> pick(instances.computeIfAbsent(service, this::instances)));
    spans.add(new Exported(resource, SCOPES.get(span.instrumentation()), built.build()));
    for (ShopSpan child : span.children()) {
      add(child, spanId, traceId, rootStartNanos, serving, spans);
    }
  }

  private Resource pick(List<Resource> resources) {
    return resources.get(random.nextInt(resources.size()));
  }

  /** The service's instances, each with the resource attributes the Java agent sends. */
  private List<Resource> instances(ShopService service) {
    List<Resource> made = new ArrayList<>(INSTANCES_PER_SERVICE);
    for (int i = 0; i < INSTANCES_PER_SERVICE; i++) {
      String pod = service.serviceName + "-7d9f8c6b5-" + Integer.toString(random.nextInt(1 << 20, 1 << 25), 36);
      made.add(
          Resource.newBuilder()
              .addAttributes(attribute("service.name", service.serviceName))
              .addAttributes(attribute("service.namespace", "shop"))
              .addAttributes(attribute("service.version", service.version))
              .addAttributes(attribute("service.instance.id", new UUID(random.nextLong(), random.nextLong()).toString()))
              .addAttributes(attribute("deployment.environment.name", "production"))
              .addAttributes(attribute("host.name", pod))
              .addAttributes(attribute("k8s.pod.name", pod))
              .addAttributes(attribute("k8s.namespace.name", "shop"))
              .addAttributes(attribute("telemetry.sdk.name", "opentelemetry"))
              .addAttributes(attribute("telemetry.sdk.language", "java"))
              .addAttributes(attribute("telemetry.sdk.version", "1.56.0"))
              .addAttributes(attribute("telemetry.distro.name", "opentelemetry-java-instrumentation"))
              .addAttributes(attribute("process.runtime.name", "OpenJDK Runtime Environment"))
              .addAttributes(attribute("process.runtime.version", "21.0.5+11-LTS"))
              .build());
    }
    return made;
  }

  private ByteString spanId() {
    long value = random.nextLong() | 1; // never all zeros
    byte[] bytes = new byte[8];
    for (int i = 7; i >= 0; i--) {
      bytes[i] = (byte) value;
      value >>>= 8;
    }
    return ByteString.copyFrom(bytes);
  }

  private static SpanKind kind(ShopSpan.Kind kind) {
    return switch (kind) {
      case SERVER -> SpanKind.SPAN_KIND_SERVER;
      case CLIENT -> SpanKind.SPAN_KIND_CLIENT;
      case INTERNAL -> SpanKind.SPAN_KIND_INTERNAL;
    };
  }

  /** The model's values are strings and longs. */
  private static KeyValue attribute(String key, Object value) {
    AnyValue.Builder any = AnyValue.newBuilder();
    if (value instanceof Long number) {
      any.setIntValue(number);
    } else {
      any.setStringValue((String) value);
    }
    return KeyValue.newBuilder().setKey(key).setValue(any).build();
  }
}

package io.tailkeep.deploy.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One span of a shop trace: its service, name, kind, the instrumentation that made it, its
 * attributes (string or long values, named by the OpenTelemetry semantic conventions), its timing
 * from the trace's start, and the spans it caused. Plain data: the demo sends it through the
 * OpenTelemetry SDK ({@link DemoSender}), the benchmarks render it as OTLP protobuf.
 */
public final class ShopSpan {

  /** The span kinds the shop's traces use. */
  public enum Kind {
    SERVER,
    CLIENT,
    INTERNAL
  }

  /** The Java agent's instrumentation that makes such a span: its scope name and version. */
  public enum Instrumentation {
    HTTP_SERVER("io.opentelemetry.tomcat-10.0"),
    HTTP_CLIENT("io.opentelemetry.java-http-client"),
    GRPC("io.opentelemetry.grpc-1.6"),
    JDBC("io.opentelemetry.jdbc"),
    REDIS("io.opentelemetry.lettuce-5.1"),
    INTERNAL("io.opentelemetry.spring-webmvc-6.0");

    public final String scopeName;
    public static final String VERSION = "2.10.0-alpha";

    Instrumentation(String scopeName) {
      this.scopeName = scopeName;
    }
  }

  private final ShopService service;
  private final String name;
  private final Kind kind;
  private final Instrumentation instrumentation;
  private final Map<String, Object> attributes = new LinkedHashMap<>();
  private final List<ShopSpan> children = new ArrayList<>();
  private long offsetNanos;
  private long durationNanos = TimeUnit.MILLISECONDS.toNanos(1);
  /** Non-null: the span failed with this exception (status ERROR and an exception event). */
  private String exceptionType;
  private String exceptionMessage;

  ShopSpan(ShopService service, String name, Kind kind, Instrumentation instrumentation) {
    this.service = service;
    this.name = name;
    this.kind = kind;
    this.instrumentation = instrumentation;
  }

  public ShopService service() {
    return service;
  }

  public String name() {
    return name;
  }

  public Kind kind() {
    return kind;
  }

  public Instrumentation instrumentation() {
    return instrumentation;
  }

  /** Attribute values are {@link String} or {@link Long}, in the order set. */
  public Map<String, Object> attributes() {
    return Collections.unmodifiableMap(attributes);
  }

  public List<ShopSpan> children() {
    return Collections.unmodifiableList(children);
  }

  /** When it starts after the trace's root starts. */
  public long offsetNanos() {
    return offsetNanos;
  }

  public long durationNanos() {
    return durationNanos;
  }

  public boolean failed() {
    return exceptionType != null;
  }

  /** The exception's class when {@link #failed()}, else null. */
  public String exceptionType() {
    return exceptionType;
  }

  public String exceptionMessage() {
    return exceptionMessage;
  }

  /** This span and all below it, each before its children. */
  public List<ShopSpan> spans() {
    List<ShopSpan> spans = new ArrayList<>();
    addTo(spans);
    return spans;
  }

  private void addTo(List<ShopSpan> spans) {
    spans.add(this);
    children.forEach(child -> child.addTo(spans));
  }

  public int spanCount() {
    return 1 + children.stream().mapToInt(ShopSpan::spanCount).sum();
  }

  // --- building, in ShopTraces

  /** Starts this many milliseconds after the trace's root. */
  ShopSpan at(long millis) {
    return atNanos(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  ShopSpan lasting(long millis) {
    return lastingNanos(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  ShopSpan atNanos(long nanos) {
    offsetNanos = nanos;
    return this;
  }

  ShopSpan lastingNanos(long nanos) {
    durationNanos = nanos;
    return this;
  }

  ShopSpan attr(String key, String value) {
    attributes.put(key, value);
    return this;
  }

  ShopSpan attr(String key, long value) {
    attributes.put(key, value);
    return this;
  }

  ShopSpan failed(String type, String message) {
    exceptionType = type;
    exceptionMessage = message;
    return this;
  }

  ShopSpan child(ShopSpan... spans) {
    children.addAll(List.of(spans));
    return this;
  }
}

package io.tailkeep.sampler.rules;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.tailkeep.store.OtlpSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The small summary of a trace that the rules decide on, grown span by span while the trace is
 * buffered: span count, whether any span is in error, the shortest and longest span, the service
 * names, span names and kinds, the root span's facts, and the values of only those attribute keys
 * the rules refer to (so the summary stays small however many attributes spans carry).
 *
 * <p>Not thread-safe: the owner of the trace's buffer entry adds spans and asks for the decision
 * under its own lock.
 */
public final class TraceFacts {

  /** HTTP status attributes, current and older semantic conventions, read for the error fact. */
  private static final List<String> HTTP_STATUS_KEYS =
      List.of("http.response.status_code", "http.status_code");

  private final TrackedKeys trackedKeys;

  private int spanCount;
  private boolean errorSeen;
  private long minDurationNanos = Long.MAX_VALUE;
  private long maxDurationNanos;
  private int spanKindBits;
  private final DistinctValues<String> serviceNames = new DistinctValues<>();
  private final DistinctValues<String> spanNames = new DistinctValues<>();
  private final CollectedAttributes attributes = new CollectedAttributes();

  private boolean rootSeen;
  private long rootDurationNanos;
  private String rootName;
  private String rootServiceName;
  private SpanKindName rootKind;
  private CollectedAttributes rootAttributes;

  /** The resource of the previous span and its service name (value sets ignore repeats). */
  private Resource lastResource;

  private String lastServiceName;

  TraceFacts(TrackedKeys trackedKeys) {
    this.trackedKeys = trackedKeys;
  }

  /**
   * An empty summary recording values for these attribute keys and key prefixes. Usually made by
   * {@link RuleSet#newTraceFacts()}, which passes the keys its rules refer to.
   */
  public static TraceFacts tracking(Set<String> keys, Set<String> keyPrefixes) {
    return new TraceFacts(new TrackedKeys(keys, new ArrayList<>(keyPrefixes)));
  }

  /** Adds one span of the trace to the summary. */
  public void add(OtlpSpan otlpSpan) {
    Span span = otlpSpan.span();
    long duration = otlpSpan.durationNanos();
    SpanKindName kind = SpanKindName.of(span.getKind());
    // Spans of one export share their Resource object: read it once per export, not per span.
    Resource resource = otlpSpan.resource();
    boolean newResource = resource != lastResource;
    if (newResource) {
      lastResource = resource;
      lastServiceName = otlpSpan.serviceName();
      serviceNames.add(lastServiceName);
    }
    String service = lastServiceName;

    spanCount++;
    minDurationNanos = Math.min(minDurationNanos, duration);
    maxDurationNanos = Math.max(maxDurationNanos, duration);
    spanKindBits |= kind.bit();
    spanNames.add(span.getName());
    if (otlpSpan.isError() || (kind == SpanKindName.SERVER && isHttpServerError(span))) {
      errorSeen = true;
    }
    if (!trackedKeys.isEmpty()) {
      if (newResource) {
        attributes.collect(resource.getAttributesList(), trackedKeys);
      }
      attributes.collect(span.getAttributesList(), trackedKeys);
    }
    // A trace should have one root; if a broken client sends several, the first one counts.
    if (otlpSpan.isRoot() && !rootSeen) {
      rootSeen = true;
      rootDurationNanos = duration;
      rootName = span.getName();
      rootServiceName = service;
      rootKind = kind;
      rootAttributes = new CollectedAttributes();
      if (!trackedKeys.isEmpty()) {
        rootAttributes.collect(otlpSpan.resource().getAttributesList(), trackedKeys);
        rootAttributes.collect(span.getAttributesList(), trackedKeys);
      }
    }
  }

  public int spanCount() {
    return spanCount;
  }

  /** Whether a span had error status, or an HTTP server span answered with a 5xx status. */
  public boolean errorSeen() {
    return errorSeen;
  }

  public boolean rootSeen() {
    return rootSeen;
  }

  /** The longest span's duration; 0 while the trace has no spans. */
  public long maxDurationNanos() {
    return maxDurationNanos;
  }

  /** The root span's duration; 0 until the root span arrives. */
  public long rootDurationNanos() {
    return rootDurationNanos;
  }

  long minDurationNanos() {
    return spanCount == 0 ? 0 : minDurationNanos;
  }

  String rootName() {
    return rootName;
  }

  String rootServiceName() {
    return rootServiceName;
  }

  SpanKindName rootKind() {
    return rootKind;
  }

  boolean anySpanKind(int kindBits) {
    return (spanKindBits & kindBits) != 0;
  }

  DistinctValues<String> serviceNames() {
    return serviceNames;
  }

  DistinctValues<String> spanNames() {
    return spanNames;
  }

  /** The recorded values of these attributes on the root or on any span; null when none had it. */
  DistinctValues<Object> attributeValues(AttributeSelector selector, Scope scope) {
    if (scope == Scope.ROOT) {
      return rootSeen ? rootAttributes.values(selector) : null;
    }
    return attributes.values(selector);
  }

  /** For tests: the attribute keys this summary holds values for. */
  Set<String> attributeKeysHeld() {
    return attributes.keysHeld();
  }

  Set<String> attributeKeyPrefixesHeld() {
    return attributes.prefixesHeld();
  }

  private static boolean isHttpServerError(Span span) {
    for (KeyValue attribute : span.getAttributesList()) {
      if (HTTP_STATUS_KEYS.contains(attribute.getKey())
          && httpStatus(attribute.getValue()) >= 500) {
        return true;
      }
    }
    return false;
  }

  private static long httpStatus(AnyValue value) {
    return switch (value.getValueCase()) {
      case INT_VALUE -> value.getIntValue();
      case DOUBLE_VALUE -> (long) value.getDoubleValue();
      case STRING_VALUE -> parseStatus(value.getStringValue());
      default -> 0;
    };
  }

  private static long parseStatus(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException notANumber) {
      return 0;
    }
  }
}

package io.tailkeep.sampler.rules;

import io.tailkeep.store.BatchSummary;
import io.tailkeep.store.SpanOrigin;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.wire.AttributeVisitor;
import io.tailkeep.store.wire.SpanFields;
import java.util.ArrayList;
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

  private final TrackedKeys trackedKeys;
  /** What the trace's spans add to its stored summary: the same summary the store writes. */
  private final BatchSummary summary = new BatchSummary();

  private long minDurationNanos = Long.MAX_VALUE;
  private long maxDurationNanos;
  private int spanKindBits;
  private final DistinctValues<String> serviceNames = new DistinctValues<>();
  private final DistinctValues<String> spanNames = new DistinctValues<>();
  private final CollectedAttributes attributes;

  private boolean rootSeen;
  private long rootDurationNanos;
  private String rootName;
  private String rootServiceName;
  private SpanKindName rootKind;
  private CollectedAttributes rootAttributes;
  /** Reports the root span's attributes to both collections. */
  private final AttributeVisitor rootVisitor;

  /** The origin of the previous span (spans of one export share it; value sets ignore repeats). */
  private SpanOrigin lastOrigin;

  TraceFacts(TrackedKeys trackedKeys) {
    this.trackedKeys = trackedKeys;
    this.attributes = new CollectedAttributes(trackedKeys);
    this.rootVisitor =
        (key, value, inArray) -> {
          attributes.attribute(key, value, inArray);
          rootAttributes.attribute(key, value, inArray);
        };
  }

  /**
   * An empty summary recording values for these attribute keys and key prefixes. Usually made by
   * {@link RuleSet#newTraceFacts()}, which passes the keys its rules refer to.
   */
  public static TraceFacts tracking(Set<String> keys, Set<String> keyPrefixes) {
    return new TraceFacts(new TrackedKeys(keys, new ArrayList<>(keyPrefixes)));
  }

  /**
   * Adds one span of the trace, reading from its bytes only what the summary and the rules need;
   * returns what was read, for whoever else wants the span's fields without reading them again.
   */
  public SpanFields add(WireSpan span) {
    boolean tracking = !trackedKeys.isEmpty();
    boolean firstRoot = span.isRoot() && !rootSeen;
    if (firstRoot) {
      // A trace should have one root; if a broken client sends several, the first one counts.
      rootSeen = true;
      rootAttributes = new CollectedAttributes(trackedKeys);
    }
    AttributeVisitor visitor = !tracking ? null : firstRoot ? rootVisitor : attributes;
    SpanFields fields = trackedKeys.reader().read(span, visitor);
    long duration = fields.durationNanos();
    SpanKindName kind = SpanKindName.ofNumber(fields.kind());
    SpanOrigin origin = span.origin();
    String service = origin.serviceName();
    if (origin != lastOrigin) {
      lastOrigin = origin;
      serviceNames.add(service);
      if (tracking) {
        trackedKeys.reader().readResourceAttributes(origin, attributes);
      }
    }
    summary.add(span, fields);
    minDurationNanos = Math.min(minDurationNanos, duration);
    maxDurationNanos = Math.max(maxDurationNanos, duration);
    spanKindBits |= kind.bit();
    spanNames.add(fields.name());
    if (firstRoot) {
      rootDurationNanos = duration;
      rootName = fields.name();
      rootServiceName = service;
      rootKind = kind;
      if (tracking) {
        trackedKeys.reader().readResourceAttributes(origin, rootAttributes);
      }
    }
    return fields;
  }

  /** What the spans added so far contribute to the trace's stored summary. */
  public BatchSummary summary() {
    return summary;
  }

  public int spanCount() {
    return summary.spanCount();
  }

  /** Whether a span had error status, or an HTTP server span answered with a 5xx status. */
  public boolean errorSeen() {
    return summary.errorCount() > 0;
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
    return summary.spanCount() == 0 ? 0 : minDurationNanos;
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
}

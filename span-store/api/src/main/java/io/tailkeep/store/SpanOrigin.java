package io.tailkeep.store;

import io.tailkeep.store.wire.SpanFieldReader;
import java.util.Arrays;
import java.util.Objects;

/**
 * The resource and instrumentation scope a group of spans was exported under, as the exporter
 * encoded them: read once per {@code ScopeSpans} and shared by its spans, written once per span
 * into the stored envelope without being parsed again.
 */
public final class SpanOrigin {

  private final byte[] resource;
  private final String resourceSchemaUrl;
  private final byte[] scope;
  private final String scopeSchemaUrl;
  private final byte[] envelopePrefix;
  private final int spanCount;
  private final int hash;
  /** Set when {@link OriginCache} shares this origin among requests: then no span pays for it. */
  private volatile boolean shared;
  private volatile String serviceName;
  /** The resource's attributes some reader asked for, kept for the next reader with those keys. */
  private volatile Object resourceAttributes;

  /**
   * @param resource the encoded {@code Resource} message (empty when the request had none)
   * @param scope the encoded {@code InstrumentationScope} message (empty when none)
   * @param spanCount how many spans share this origin, to split its heap among them when weighing
   */
  public SpanOrigin(
      byte[] resource, String resourceSchemaUrl, byte[] scope, String scopeSchemaUrl, int spanCount) {
    if (spanCount < 1) {
      throw new IllegalArgumentException("spanCount must be positive, got " + spanCount);
    }
    this.spanCount = spanCount;
    this.resource = Objects.requireNonNull(resource, "resource");
    this.resourceSchemaUrl = Objects.requireNonNull(resourceSchemaUrl, "resourceSchemaUrl");
    this.scope = Objects.requireNonNull(scope, "scope");
    this.scopeSchemaUrl = Objects.requireNonNull(scopeSchemaUrl, "scopeSchemaUrl");
    this.envelopePrefix = StoredEnvelope.prefix(resource, resourceSchemaUrl, scope, scopeSchemaUrl);
    this.hash =
        (Arrays.hashCode(resource) * 31 + Arrays.hashCode(scope)) * 31
            + resourceSchemaUrl.hashCode() * 17
            + scopeSchemaUrl.hashCode();
  }

  public byte[] resource() {
    return resource;
  }

  public String resourceSchemaUrl() {
    return resourceSchemaUrl;
  }

  public byte[] scope() {
    return scope;
  }

  public String scopeSchemaUrl() {
    return scopeSchemaUrl;
  }

  /** The stored envelope's fields before the span: resource, scope and their schema URLs. */
  byte[] envelopePrefix() {
    return envelopePrefix;
  }

  /** The resource's {@code service.name}, or {@value OtlpSpan#UNKNOWN_SERVICE}. */
  public String serviceName() {
    String name = serviceName;
    if (name == null) {
      name = SpanFieldReader.serviceName(resource);
      serviceName = name;
    }
    return name;
  }

  /** What a reader with {@code keys} found in the resource before; null if none has read it. */
  public Object resourceAttributes(Object keys) {
    Object memo = resourceAttributes;
    return memo instanceof Memo m && m.keys() == keys ? m.found() : null;
  }

  /** Keeps what a reader with {@code keys} found; one reader's worth, the latest. */
  public void rememberResourceAttributes(Object keys, Object found) {
    resourceAttributes = new Memo(keys, found);
  }

  private record Memo(Object keys, Object found) {}

  /** Heap this origin holds: its object, arrays and strings. */
  public long retainedBytes() {
    return 96L + 3 * 16 + resource.length + scope.length + envelopePrefix.length
        + 2L * (resourceSchemaUrl.length() + scopeSchemaUrl.length());
  }

  /**
   * One span's share of {@link #retainedBytes()}: the origin lives as long as any of its spans, so
   * each span weighs an equal part of it, and a buffer holding all of them weighs it whole.
   */
  public long shareBytes() {
    return shared ? 0 : (retainedBytes() + spanCount - 1) / spanCount;
  }

  void markShared() {
    shared = true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SpanOrigin other
        && Arrays.equals(resource, other.resource)
        && Arrays.equals(scope, other.scope)
        && resourceSchemaUrl.equals(other.resourceSchemaUrl)
        && scopeSchemaUrl.equals(other.scopeSchemaUrl);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return "SpanOrigin{service=" + serviceName() + ", resource " + resource.length + " B, scope "
        + scope.length + " B}";
  }
}

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
  private volatile String serviceName;

  /**
   * @param resource the encoded {@code Resource} message (empty when the request had none)
   * @param scope the encoded {@code InstrumentationScope} message (empty when none)
   */
  public SpanOrigin(byte[] resource, String resourceSchemaUrl, byte[] scope, String scopeSchemaUrl) {
    this.resource = Objects.requireNonNull(resource, "resource");
    this.resourceSchemaUrl = Objects.requireNonNull(resourceSchemaUrl, "resourceSchemaUrl");
    this.scope = Objects.requireNonNull(scope, "scope");
    this.scopeSchemaUrl = Objects.requireNonNull(scopeSchemaUrl, "scopeSchemaUrl");
    this.envelopePrefix = StoredEnvelope.prefix(resource, resourceSchemaUrl, scope, scopeSchemaUrl);
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

  /** Heap this origin holds, for weighing a buffer. */
  public long retainedBytes() {
    return 96L + resource.length + scope.length + envelopePrefix.length
        + 2L * (resourceSchemaUrl.length() + scopeSchemaUrl.length());
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
    return Arrays.hashCode(resource) * 31 + Arrays.hashCode(scope);
  }

  @Override
  public String toString() {
    return "SpanOrigin{service=" + serviceName() + ", resource " + resource.length + " B, scope "
        + scope.length + " B}";
  }
}

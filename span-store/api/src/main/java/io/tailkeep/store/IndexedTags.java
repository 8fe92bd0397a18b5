package io.tailkeep.store;

import io.tailkeep.store.wire.AttributeKeys;
import io.tailkeep.store.wire.AttributeVisitor;
import io.tailkeep.store.wire.SpanFieldReader;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which attribute values are searchable as tags, the same for every store: allow-listed keys (of a
 * span or of its resource), scalar values (strings, booleans, numbers as text), values no longer
 * than a limit. Values are read from the kept spans' bytes when they are written, so ingest never
 * pays for the tag index.
 */
public final class IndexedTags {

  /** Tag keys indexed unless configured otherwise: the ones people search traces by. */
  public static final Set<String> DEFAULT_KEYS =
      Set.of(
          "http.route",
          "http.request.method",
          "http.response.status_code",
          "url.path",
          "rpc.service",
          "rpc.method",
          "db.system",
          "messaging.system",
          "error.type",
          "exception.type",
          "enduser.id",
          "enduser.role",
          "deployment.environment");

  /** Longer values are stored but not indexed. */
  public static final int DEFAULT_MAX_VALUE_LENGTH = 256;

  /** Bounds of the max value length setting. */
  public static final int MAX_VALUE_LENGTH_LIMIT = 4096;

  /** An indexed attribute (of a span or its resource) and the service of the span it was on. */
  public record ServiceTag(String service, String key, String value) {}

  private final Set<String> keys;
  private final int maxValueLength;
  private final SpanFieldReader reader;

  public IndexedTags(Set<String> keys, int maxValueLength) {
    this.keys = Set.copyOf(keys);
    this.maxValueLength = maxValueLength;
    this.reader = new SpanFieldReader(new AttributeKeys(List.copyOf(this.keys), List.of()));
  }

  public Set<String> keys() {
    return keys;
  }

  public int maxValueLength() {
    return maxValueLength;
  }

  /** The indexed tags of a batch: its spans' attributes, and each of their resources' once. */
  public Set<ServiceTag> tagsOf(SpanBatch batch) {
    Set<ServiceTag> tags = new LinkedHashSet<>();
    if (keys.isEmpty()) {
      return tags;
    }
    Set<SpanOrigin> origins = new LinkedHashSet<>();
    for (WireSpan span : batch.spans()) {
      reader.read(span, collector(span.origin().serviceName(), tags));
      origins.add(span.origin());
    }
    for (SpanOrigin origin : origins) {
      reader.readResourceAttributes(origin.resource(), collector(origin.serviceName(), tags));
    }
    return tags;
  }

  private AttributeVisitor collector(String service, Set<ServiceTag> into) {
    AttributeKeys asked = reader.keys();
    return (key, value, inArray) -> {
      String text = inArray ? null : textOf(value);
      if (text != null && text.length() <= maxValueLength) {
        into.add(new ServiceTag(service, asked.text(key), text));
      }
    };
  }

  /** Arrays, maps and bytes are stored, not indexed. */
  private static String textOf(Object value) {
    if (value instanceof String text) {
      return text;
    }
    return value instanceof Boolean || value instanceof Long || value instanceof Double ? value.toString() : null;
  }

  /**
   * Refuses a search on a key that is not indexed, or on a value too long to be, naming the key:
   * such a search could only ever find nothing.
   */
  public void checkSearchable(Map<String, String> tags) {
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      if (!keys.contains(tag.getKey())) {
        throw new IllegalArgumentException(
            "tags: key '" + tag.getKey() + "' is not indexed; indexed keys are "
                + keys.stream().sorted().toList());
      }
      if (tag.getValue().length() > maxValueLength) {
        throw new IllegalArgumentException(
            "tags: value of '" + tag.getKey() + "' is longer than " + maxValueLength
                + " characters, the longest indexed");
      }
    }
  }
}

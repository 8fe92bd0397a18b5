package io.tailkeep.store;

import java.util.Set;

/**
 * Defaults of the tag index that every store starts from, so a search that works on one store
 * works on another: which attribute keys are indexed, and the longest value that is.
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

  private IndexedTags() {}
}

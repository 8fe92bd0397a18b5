package io.tailkeep.sampler.rules;

import java.util.Objects;

/** The attributes a condition reads: one exact key, or every key starting with a prefix. */
record AttributeSelector(String text, boolean isPrefix) {

  AttributeSelector {
    Objects.requireNonNull(text, "text");
  }

  static AttributeSelector key(String key) {
    return new AttributeSelector(key, false);
  }

  static AttributeSelector keyPrefix(String prefix) {
    return new AttributeSelector(prefix, true);
  }
}

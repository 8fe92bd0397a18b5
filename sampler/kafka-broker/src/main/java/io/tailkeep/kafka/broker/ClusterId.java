package io.tailkeep.kafka.broker;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Base64;

/** A new cluster's ID in Kafka's form: 16 random bytes, URL-safe base64 without padding (22 characters). */
final class ClusterId {

  private static final SecureRandom RANDOM = new SecureRandom();

  private ClusterId() {}

  static String random() {
    while (true) {
      byte[] bytes = new byte[16];
      RANDOM.nextBytes(bytes);
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      long high = buffer.getLong();
      long low = buffer.getLong();
      boolean reserved = high == 0 && (low == 0 || low == 1); // Kafka's zero and metadata-topic IDs
      String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      // Kafka's own IDs never start with '-' either: a command line would read it as an option.
      if (!reserved && !id.startsWith("-")) {
        return id;
      }
    }
  }
}

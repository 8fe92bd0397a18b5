package io.tailkeep.ui.jaeger;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Fills a protobuf message through its descriptor: each field set or left out at random, values
 * picked from their edges (zero, negative and unsigned-only numbers, NaN and infinities, empty and
 * escaped strings, enum numbers the schema does not name), nested messages a few levels deep. New
 * OTLP fields are filled as soon as the schema has them.
 */
final class RandomMessages {
  private static final int MAX_DEPTH = 4;
  private static final String[] STRINGS = {
    "", "a", "värde ✓", "quote\" back\\slash", "\u0001 control", "emoji 😀", "</script>", "service.name"
  };
  private static final double[] DOUBLES = {
    0.0, -0.0, 1.5, -0.125, 1e300, 4.9e-324, 123456789.0, 1e-7, Double.NaN, Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY
  };
  private static final long[] LONGS = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 53, 1_740_830_400_123_456_789L};
  private static final int[] INTS = {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0x301, 99};

  private RandomMessages() {}

  static Message.Builder fill(Message.Builder builder, Random random, int depth) {
    for (FieldDescriptor field : builder.getDescriptorForType().getFields()) {
      if (random.nextInt(3) == 0) {
        continue;
      }
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth >= MAX_DEPTH) {
        continue;
      }
      if (field.isRepeated()) {
        int count = random.nextInt(3);
        for (int i = 0; i < count; i++) {
          builder.addRepeatedField(field, value(builder, field, random, depth));
        }
      } else {
        builder.setField(field, value(builder, field, random, depth));
      }
    }
    return builder;
  }

  private static Object value(Message.Builder builder, FieldDescriptor field, Random random, int depth) {
    return switch (field.getJavaType()) {
      case INT -> INTS[random.nextInt(INTS.length)];
      case LONG -> random.nextBoolean() ? LONGS[random.nextInt(LONGS.length)] : random.nextLong();
      case DOUBLE -> random.nextBoolean() ? DOUBLES[random.nextInt(DOUBLES.length)] : random.nextDouble();
      case FLOAT -> random.nextFloat();
      case BOOLEAN -> random.nextBoolean();
      case STRING -> STRINGS[random.nextInt(STRINGS.length)];
      case BYTE_STRING -> {
        byte[] bytes = new byte[random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(16)];
        random.nextBytes(bytes);
        yield random.nextInt(8) == 0 ? ByteString.copyFrom("text", StandardCharsets.UTF_8) : ByteString.copyFrom(bytes);
      }
      case ENUM -> field.getEnumType().findValueByNumberCreatingIfUnknown(random.nextInt(5) - 1);
      case MESSAGE -> fill(builder.newBuilderForField(field), random, depth + 1).build();
    };
  }
}

package io.tailkeep.sampler.keptqueue;

import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.StoredEnvelope;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a dead-letter file's spans back, as an operator's tool would. */
final class DeadLetterFiles {

  private DeadLetterFiles() {}

  static List<OtlpSpan> spans(Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      int previous = -1;
      while (true) { // the header ends with an empty line
        int b = in.read();
        if (b == -1) {
          throw new EOFException("no end of header");
        }
        if (b == '\n' && previous == '\n') {
          break;
        }
        previous = b;
      }
      List<OtlpSpan> spans = new ArrayList<>();
      while (true) {
        int length;
        try {
          length = in.readInt();
        } catch (EOFException end) {
          return spans;
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
          throw new EOFException("truncated span");
        }
        spans.add(StoredEnvelope.decode(ByteBuffer.wrap(bytes)));
      }
    }
  }
}

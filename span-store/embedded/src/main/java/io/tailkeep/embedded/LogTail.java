package io.tailkeep.embedded;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The last lines of a log file, so a failure message explains itself without a trip to the disk. */
public final class LogTail {

  // Enough for ~40 long log lines; a kept work directory's log may be large, so never read all of it.
  private static final int MAX_BYTES = 64 * 1024;

  private LogTail() {}

  /** The last {@code maxLines} lines, or "" if the file is missing or empty. */
  public static String of(Path file, int maxLines) {
    if (!Files.isRegularFile(file)) {
      return "";
    }
    try (FileChannel channel = FileChannel.open(file)) {
      long start = Math.max(0, channel.size() - MAX_BYTES);
      ByteBuffer buffer = ByteBuffer.allocate((int) (channel.size() - start));
      while (buffer.hasRemaining() && channel.read(buffer, start + buffer.position()) >= 0) {
        // read until full or end of file
      }
      List<String> lines = Arrays.asList(
          new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).split("\\R"));
      if (start > 0 && !lines.isEmpty()) {
        lines = lines.subList(1, lines.size()); // the first line is cut
      }
      return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
    } catch (IOException e) {
      return "(could not read " + file + ": " + e + ")";
    }
  }
}

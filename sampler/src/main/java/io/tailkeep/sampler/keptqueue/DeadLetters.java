package io.tailkeep.sampler.keptqueue;

import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.StoredEnvelope;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches the span store refused for good, kept as files for the operator: one file per batch in a
 * directory of their own, never in the store that refused them (a batch too large for a table
 * cannot go in another table either). The directory is bounded in total size: beyond {@code
 * maxBytes} the oldest files are removed, and counted.
 *
 * <p>A file is a short text header, then the spans as the store would have held them:
 *
 * <pre>
 * tailkeep-dead-letter 1
 * trace_id: 5b8efff798038103d269b633813fc60c
 * time: 2026-12-05T00:01:02.345Z
 * reason: mutation too large: ...
 * spans: 2
 * bytes: 20480
 * (an empty line)
 * per span: a 4-byte big-endian length, then the span's StoredEnvelope bytes
 * </pre>
 *
 * so {@code head -7 FILE} shows what it is, and the spans decode with {@code
 * StoredEnvelope.decode}. A file is written under a temporary name and then renamed, so a listing
 * never sees half of one. Thread-safe; files found at start are listed again.
 */
public final class DeadLetters {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

  static final String MAGIC = "tailkeep-dead-letter 1";
  static final String SUFFIX = ".bin";
  private static final String TEMPORARY_SUFFIX = ".tmp";
  /** A reason longer than this is cut: it is a store's error message, not a payload. */
  static final int MAX_REASON_CHARS = 1000;
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final Path directory;
  private final long maxBytes;
  private final Clock clock;

  private final Object lock = new Object();
  // Guarded by lock: oldest first, with each file's size on disk.
  private final ArrayDeque<Kept> kept = new ArrayDeque<>();
  private long keptBytes;
  private long sequence;

  private final LongAdder removed = new LongAdder();
  private final LongAdder writeFailures = new LongAdder();

  private record Kept(DeadLetter letter, long fileBytes) {}

  private DeadLetters(Path directory, long maxBytes, Clock clock) {
    this.directory = directory;
    this.maxBytes = maxBytes;
    this.clock = clock;
  }

  /**
   * Opens (creating it if needed) the directory, listing the dead letters already there and
   * removing the oldest if they pass {@code maxBytes}.
   *
   * @throws IOException if the directory cannot be created or read: a server should not start
   *     without the place it sets refused batches aside
   */
  public static DeadLetters open(Path directory, long maxBytes, Clock clock) throws IOException {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(clock, "clock");
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
    }
    Files.createDirectories(directory);
    DeadLetters letters = new DeadLetters(directory, maxBytes, clock);
    letters.load();
    return letters;
  }

  public Path directory() {
    return directory;
  }

  public long maxBytes() {
    return maxBytes;
  }

  /**
   * Writes a refused batch to its file. Never throws: a batch that cannot be written here (disk
   * full, or larger than the whole limit) is logged and counted, since the store refused it anyway.
   *
   * @return the entry, or null if the batch could not be kept
   */
  public DeadLetter add(SpanBatch batch, String reason) {
    Objects.requireNonNull(batch, "batch");
    String cleanReason = clean(Objects.requireNonNull(reason, "reason"));
    Instant time = clock.instant();
    List<byte[]> stored = new ArrayList<>(batch.spans().size());
    long spanBytes = 0;
    for (WireSpan span : batch.spans()) {
      byte[] bytes = StoredEnvelope.encode(span);
      stored.add(bytes);
      spanBytes += bytes.length;
    }
    String name;
    synchronized (lock) {
      name = FILE_TIME.format(time) + "-" + batch.traceId().toHex() + "-" + (sequence++) + SUFFIX;
    }
    DeadLetter letter =
        new DeadLetter(name, batch.traceId(), time, cleanReason, batch.spans().size(), spanBytes);
    byte[] header = header(letter);
    long fileBytes = header.length + 4L * stored.size() + spanBytes;
    if (fileBytes > maxBytes) {
      removed.increment();
      LOG.warn(
          "Refused trace {} ({} spans, {} bytes) is larger than the whole dead-letter limit of {}"
              + " bytes; it is not kept",
          batch.traceId(), stored.size(), fileBytes, maxBytes);
      return null;
    }
    Path temporary = directory.resolve(name + TEMPORARY_SUFFIX);
    try {
      try (DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(temporary)))) {
        out.write(header);
        for (byte[] bytes : stored) {
          out.writeInt(bytes.length);
          out.write(bytes);
        }
      }
      Files.move(temporary, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      writeFailures.increment();
      deleteQuietly(temporary);
      LOG.warn(
          "Refused trace {} ({} spans) could not be written to {}; it is lost: {}",
          batch.traceId(), stored.size(), directory, e.toString());
      return null;
    }
    List<Path> toRemove = new ArrayList<>();
    synchronized (lock) {
      kept.addLast(new Kept(letter, fileBytes));
      keptBytes += fileBytes;
      while (keptBytes > maxBytes && kept.size() > 1) {
        Kept oldest = kept.pollFirst();
        keptBytes -= oldest.fileBytes();
        toRemove.add(directory.resolve(oldest.letter().file()));
      }
    }
    for (Path path : toRemove) {
      deleteQuietly(path);
      removed.increment();
    }
    if (!toRemove.isEmpty()) {
      LOG.info("Removed the {} oldest dead letters to stay within {} bytes", toRemove.size(), maxBytes);
    }
    return letter;
  }

  /** The dead letters kept now, newest first. */
  public List<DeadLetter> list() {
    List<DeadLetter> letters = new ArrayList<>();
    synchronized (lock) {
      kept.forEach(k -> letters.add(k.letter()));
    }
    Collections.reverse(letters);
    return letters;
  }

  /** Bytes of the files kept now. */
  public long keptBytes() {
    synchronized (lock) {
      return keptBytes;
    }
  }

  /** Dead letters removed (or never kept) to stay within {@code maxBytes}. */
  public long removed() {
    return removed.sum();
  }

  /** Refused batches that could not be written here. */
  public long writeFailures() {
    return writeFailures.sum();
  }

  /** Reads the header of a dead-letter file; for tools and tests. */
  static DeadLetter readHeader(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      String first = readLine(in);
      if (!MAGIC.equals(first)) {
        throw new IOException(file.getFileName() + ": not a dead letter (first line " + first + ")");
      }
      Map<String, String> fields = new LinkedHashMap<>();
      for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
        int colon = line.indexOf(": ");
        if (colon > 0) {
          fields.put(line.substring(0, colon), line.substring(colon + 2));
        }
      }
      try {
        return new DeadLetter(
            file.getFileName().toString(),
            TraceId.fromHex(required(fields, "trace_id", file)),
            Instant.parse(required(fields, "time", file)),
            required(fields, "reason", file),
            Integer.parseInt(required(fields, "spans", file)),
            Long.parseLong(required(fields, "bytes", file)));
      } catch (RuntimeException e) {
        throw new IOException(file.getFileName() + ": bad header: " + e.getMessage(), e);
      }
    }
  }

  private void load() throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.endsWith(TEMPORARY_SUFFIX)) {
          deleteQuietly(entry); // a write the process did not finish
        } else if (name.endsWith(SUFFIX) && Files.isRegularFile(entry)) {
          files.add(entry);
        }
      }
    }
    files.sort(null); // names start with the time
    for (Path file : files) {
      try {
        DeadLetter letter = readHeader(file);
        long size = Files.size(file);
        kept.addLast(new Kept(letter, size));
        keptBytes += size;
      } catch (IOException e) {
        LOG.warn("Skipping {} in the dead-letter directory: {}", file.getFileName(), e.getMessage());
      }
    }
    sequence = files.size();
    while (keptBytes > maxBytes && !kept.isEmpty()) {
      Kept oldest = kept.pollFirst();
      keptBytes -= oldest.fileBytes();
      deleteQuietly(directory.resolve(oldest.letter().file()));
      removed.increment();
    }
  }

  private static byte[] header(DeadLetter letter) {
    String text =
        MAGIC + "\n"
            + "trace_id: " + letter.traceId().toHex() + "\n"
            + "time: " + letter.time() + "\n"
            + "reason: " + letter.reason() + "\n"
            + "spans: " + letter.spans() + "\n"
            + "bytes: " + letter.bytes() + "\n"
            + "\n";
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** One line of text: line breaks and other control characters become spaces. */
  static String clean(String reason) {
    StringBuilder out = new StringBuilder(Math.min(reason.length(), MAX_REASON_CHARS));
    for (int i = 0; i < reason.length() && out.length() < MAX_REASON_CHARS; i++) {
      char c = reason.charAt(i);
      out.append(Character.isISOControl(c) ? ' ' : c);
    }
    return out.toString().strip();
  }

  private static String required(Map<String, String> fields, String key, Path file)
      throws IOException {
    String value = fields.get(key);
    if (value == null) {
      throw new IOException(file.getFileName() + ": header has no " + key);
    }
    return value;
  }

  /** A header line in UTF-8, without its line break; null at the end. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (line.size() > 4 * MAX_REASON_CHARS) {
        throw new IOException("header line too long");
      }
      line.write(b);
    }
    if (b == -1 && line.size() == 0) {
      return null;
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.warn("Could not delete {}: {}", path, e.toString());
    }
  }
}

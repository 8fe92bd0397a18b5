package io.tailkeep.sampler.keptqueue;

import static io.tailkeep.sampler.keptqueue.Batches.id;
import static io.tailkeep.sampler.keptqueue.Batches.kept;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailkeep.store.SpanBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dead-letter directory: its files, its bound, and what a restart finds there. */
class DeadLettersTest {

  @TempDir Path directory;
  private Instant now = Instant.parse("2026-12-05T00:00:00Z");
  private final Clock clock = new Clock() {
    @Override public ZoneId getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(ZoneId zone) { return this; }
    @Override public Instant instant() { return now; }
  };

  private long fileBytesOf(SpanBatch batch) throws IOException {
    Path scratch = Files.createTempDirectory(directory.getParent(), "size");
    DeadLetters one = DeadLetters.open(scratch, 1L << 30, clock);
    DeadLetter letter = one.add(batch, "r");
    return Files.size(scratch.resolve(letter.file()));
  }

  @Test
  void theOldestAreRemovedBeyondTheLimitAndCounted() throws IOException {
    long size = fileBytesOf(kept(1, 2));
    DeadLetters letters = DeadLetters.open(directory, 3 * size, clock);
    for (int n = 1; n <= 5; n++) {
      assertThat(letters.add(kept(n, 2), "r")).isNotNull();
      now = now.plus(Duration.ofSeconds(1));
    }
    assertThat(letters.list()).extracting(DeadLetter::traceId).containsExactly(id(5), id(4), id(3));
    assertThat(letters.removed()).isEqualTo(2);
    assertThat(letters.keptBytes()).isEqualTo(3 * size);
    assertThat(binFiles()).hasSize(3);
  }

  @Test
  void aRestartListsTheFilesAlreadyThereAndCleansUnfinishedOnes() throws IOException {
    DeadLetters before = DeadLetters.open(directory, 1L << 20, clock);
    before.add(kept(1, 1), "first");
    now = now.plusSeconds(1);
    before.add(kept(2, 3), "second");
    Files.writeString(directory.resolve("20261205T000000.000Z-x-9.bin.tmp"), "half");
    Files.writeString(directory.resolve("notes.bin"), "not a dead letter");

    DeadLetters after = DeadLetters.open(directory, 1L << 20, clock);
    assertThat(after.list()).isEqualTo(before.list());
    assertThat(after.list()).extracting(DeadLetter::reason).containsExactly("second", "first");
    assertThat(directory.resolve("20261205T000000.000Z-x-9.bin.tmp")).doesNotExist();
    assertThat(directory.resolve("notes.bin")).exists(); // not ours: left alone
    after.add(kept(3, 1), "third");
    assertThat(after.list()).hasSize(3);
  }

  @Test
  void aBatchLargerThanTheWholeLimitIsNotKeptAndCounted() throws IOException {
    DeadLetters letters = DeadLetters.open(directory, 100, clock);
    assertThat(letters.add(kept(1, 5), "too large")).isNull();
    assertThat(letters.removed()).isEqualTo(1);
    assertThat(letters.list()).isEmpty();
    assertThat(binFiles()).isEmpty();
  }

  @Test
  void theReasonIsOneLineOfBoundedLength() throws IOException {
    DeadLetters letters = DeadLetters.open(directory, 1L << 20, clock);
    DeadLetter letter = letters.add(kept(1), "bad\nvalue\r\t" + "x".repeat(5000));
    assertThat(letter.reason()).startsWith("bad value").doesNotContain("\n").hasSize(DeadLetters.MAX_REASON_CHARS);
    assertThat(DeadLetters.readHeader(directory.resolve(letter.file()))).isEqualTo(letter);
  }

  @Test
  void settingsAreChecked() {
    assertThatThrownBy(() -> DeadLetters.open(directory, 0, clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBytes must be positive, got 0");
  }

  @Test
  void aDirectoryThatCannotBeCreatedFailsAtOpen() throws IOException {
    Path file = Files.writeString(directory.resolve("a-file"), "x");
    assertThatThrownBy(() -> DeadLetters.open(file.resolve("dead-letter"), 1000, clock))
        .isInstanceOf(IOException.class);
  }

  private List<Path> binFiles() throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(f -> f.toString().endsWith(".bin")).toList();
    }
  }
}

package io.tailkeep.sampler.reload;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailkeep.sampler.reload.RulesStatus.ReloadError;
import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.sampler.rules.RulesFileException;
import io.tailkeep.sampler.testing.TestClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot reload of the rules file, on real files, with time that only the test moves. */
class RulesReloaderTest {

  static final String ERRORS_ONLY =
      """
      rules:
        - name: keep-errors
          conditions:
            - error: true
          keep: {}
      """;

  static final String ERRORS_AND_SLOW =
      """
      rules:
        - name: keep-errors
          conditions:
            - error: true
          keep: {}
        - name: keep-slow
          conditions:
            - duration: {of: root, gte: 500ms}
          keep: {}
      """;

  /** Line 2, column 10: a bad value for 'default'; line 6: an unknown operator. */
  static final String INVALID =
      """
      version: 1
      default: sometimes
      rules:
        - name: keep-slow
          conditions:
            - duration: {of: root, gte: 500ms}
          keep: {}
      """
          .replace("gte: 500ms", "greater: 500ms");

  private static final Instant START = Instant.parse("2025-01-02T03:04:05Z");

  @TempDir Path dir;

  private final TestClock clock = new TestClock(START);
  private final TestClock ticker = new TestClock();
  private final List<RuleSet> applied = new ArrayList<>();

  @Test
  void loadsTheFileAtStartWithoutCallingTheConsumer() throws Exception {
    Path file = write("rules.yaml", ERRORS_AND_SLOW);

    RulesReloader reloader = RulesReloader.load(file, applied::add, clock, ticker);

    assertThat(reloader.current().ruleNames()).containsExactly("keep-errors", "keep-slow");
    assertThat(reloader.current().source()).isEqualTo(file.toString());
    assertThat(reloader.file()).isEqualTo(file);
    assertThat(reloader.status())
        .isEqualTo(
            new RulesStatus(
                file,
                sha256(ERRORS_AND_SLOW),
                START,
                List.of("keep-errors", "keep-slow"),
                0,
                0,
                Optional.empty(),
                false));
    assertThat(applied).isEmpty();
  }

  @Test
  void aValidChangeIsAppliedOnce() throws Exception {
    Path file = write("rules.yaml", ERRORS_ONLY);
    RulesReloader reloader = RulesReloader.load(file, applied::add, clock, ticker);

    write("rules.yaml", ERRORS_AND_SLOW);
    clock.advance(Duration.ofMinutes(1));

    assertThat(reloader.checkNow()).isTrue();
    assertThat(applied).hasSize(1);
    assertThat(applied.get(0).ruleNames()).containsExactly("keep-errors", "keep-slow");
    assertThat(reloader.current()).isSameAs(applied.get(0));
    RulesStatus status = reloader.status();
    assertThat(status.sha256()).isEqualTo(sha256(ERRORS_AND_SLOW));
    assertThat(status.loadedAt()).isEqualTo(START.plus(Duration.ofMinutes(1)));
    assertThat(status.reloads()).isEqualTo(1);
    assertThat(status.reloadErrors()).isZero();
    assertThat(status.invalidOnDisk()).isFalse();

    assertThat(reloader.checkNow()).isFalse();
    assertThat(applied).hasSize(1);
  }

  @Test
  void anUnchangedFileIsNotAppliedAgainEvenWhenRewritten() throws Exception {
    Path file = write("rules.yaml", ERRORS_ONLY);
    RulesReloader reloader = RulesReloader.load(file, applied::add, clock, ticker);
    RuleSet initial = reloader.current();

    assertThat(reloader.checkNow()).isFalse();
    write("rules.yaml", ERRORS_ONLY); // same bytes, new modification time
    assertThat(reloader.checkNow()).isFalse();

    assertThat(applied).isEmpty();
    assertThat(reloader.current()).isSameAs(initial);
    assertThat(reloader.status().reloads()).isZero();
    assertThat(reloader.status().loadedAt()).isEqualTo(START);
  }

  @Test
  void anInvalidChangeIsRefusedOnceAndTheOldRulesStay() throws Exception {
    Path file = write("rules.yaml", ERRORS_ONLY);
    RulesReloader reloader = RulesReloader.load(file, applied::add, clock, ticker);
    RuleSet initial = reloader.current();

    write("rules.yaml", INVALID);
    clock.advance(Duration.ofSeconds(5));
    assertThat(reloader.checkNow()).isFalse();

    assertThat(applied).isEmpty();
    assertThat(reloader.current()).isSameAs(initial);
    RulesStatus status = reloader.status();
    assertThat(status.sha256()).isEqualTo(sha256(ERRORS_ONLY));
    assertThat(status.loadedAt()).isEqualTo(START);
    assertThat(status.reloads()).isZero();
    assertThat(status.reloadErrors()).isEqualTo(1);
    assertThat(status.invalidOnDisk()).isTrue();
    ReloadError error = status.lastError().orElseThrow();
    assertThat(error.at()).isEqualTo(START.plusSeconds(5));
    assertThat(error.errors()).hasSize(2);
    assertThat(error.errors().get(0))
        .startsWith(file + ":2:10: ")
        .contains("'default'", "'sometimes'");
    assertThat(error.errors().get(1)).startsWith(file + ":6:").contains("'greater'");

    clock.advance(Duration.ofSeconds(1));
    assertThat(reloader.checkNow()).isFalse();
    assertThat(reloader.checkNow()).isFalse();
    assertThat(reloader.status().reloadErrors()).isEqualTo(1);
    assertThat(reloader.status().lastError().orElseThrow().at()).isEqualTo(START.plusSeconds(5));
  }

  @Test
  void fixingTheFileAppliesItAndClearsInvalidOnDisk() throws Exception {
    Path file = write("rules.yaml", ERRORS_ONLY);
    RulesReloader reloader = RulesReloader.load(file, applied::add, clock, ticker);
    write("rules.yaml", INVALID);
    reloader.checkNow();

    write("rules.yaml", ERRORS_AND_SLOW);
    clock.advance(Duration.ofSeconds(30));
    assertThat(reloader.checkNow()).isTrue();

    assertThat(reloader.current().ruleNames()).containsExactly("keep-errors", "keep-slow");
    RulesStatus status = reloader.status();
    assertThat(status.invalidOnDisk()).isFalse();
    assertThat(status.reloads()).isEqualTo(1);
    assertThat(status.reloadErrors()).isEqualTo(1);
    assertThat(status.lastError()).as("kept as history").isPresent();
    assertThat(status.loadedAt()).isEqualTo(START.plusSeconds(30));
  }

  @Test
  void revertingToTheRulesInUseClearsInvalidOnDiskWithoutAReload() throws Exception {
    Path file = write("rules.yaml", ERRORS_ONLY);
    RulesReloader reloader = RulesReloader.load(file, applied::add, clock, ticker);
    RuleSet initial = reloader.current();
    write("rules.yaml", INVALID);
    reloader.checkNow();

    write("rules.yaml", ERRORS_ONLY);
    assertThat(reloader.checkNow()).isFalse();

    assertThat(applied).isEmpty();
    assertThat(reloader.current()).isSameAs(initial);
    assertThat(reloader.status().invalidOnDisk()).isFalse();
    assertThat(reloader.status().reloads()).isZero();
    assertThat(reloader.status().reloadErrors()).isEqualTo(1);
  }

  @Test
  void aDeletedFileIsAnErrorAndTheOldRulesStay() throws Exception {
    Path file = write("rules.yaml", ERRORS_ONLY);
    RulesReloader reloader = RulesReloader.load(file, applied::add, clock, ticker);
    RuleSet initial = reloader.current();

    Files.delete(file);
    assertThat(reloader.checkNow()).isFalse();
    assertThat(reloader.checkNow()).isFalse();

    assertThat(reloader.current()).isSameAs(initial);
    assertThat(reloader.status().reloadErrors()).isEqualTo(1);
    assertThat(reloader.status().invalidOnDisk()).isTrue();
    assertThat(reloader.status().lastError().orElseThrow().errors())
        .containsExactly(file + ": no such file");

    write("rules.yaml", ERRORS_AND_SLOW);
    assertThat(reloader.checkNow()).isTrue();
    assertThat(reloader.status().invalidOnDisk()).isFalse();
  }

  @Test
  void aFileThatIsNotUtf8IsRefused() throws Exception {
    Path file = write("rules.yaml", ERRORS_ONLY);
    RulesReloader reloader = RulesReloader.load(file, applied::add, clock, ticker);

    Files.write(file, new byte[] {'r', 'u', 'l', 'e', 's', ':', ' ', (byte) 0xff, '\n'});
    assertThat(reloader.checkNow()).isFalse();

    assertThat(reloader.status().lastError().orElseThrow().errors())
        .containsExactly(file + ": not valid UTF-8");
  }

  @Test
  void aFileReplacedByAnAtomicRenameIsPickedUp() throws Exception {
    Path file = write("rules.yaml", ERRORS_ONLY);
    RulesReloader reloader = RulesReloader.load(file, applied::add, clock, ticker);

    Path temp = write(".rules.yaml.swp", ERRORS_AND_SLOW);
    Files.setLastModifiedTime(temp, Files.getLastModifiedTime(file));
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    assertThat(reloader.checkNow()).isTrue();
    assertThat(reloader.current().ruleNames()).containsExactly("keep-errors", "keep-slow");
  }

  /** How Kubernetes updates a mounted ConfigMap: the file is a symlink through {@code ..data}. */
  @Test
  void aConfigMapStyleSymlinkSwapIsPickedUp() throws Exception {
    Path first = Files.createDirectory(dir.resolve("..2025_01_01"));
    Files.writeString(first.resolve("rules.yaml"), ERRORS_ONLY, UTF_8);
    Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
    Path file = Files.createSymbolicLink(dir.resolve("rules.yaml"), Path.of("..data/rules.yaml"));
    RulesReloader reloader = RulesReloader.load(file, applied::add, clock, ticker);
    assertThat(reloader.current().ruleNames()).containsExactly("keep-errors");

    Path second = Files.createDirectory(dir.resolve("..2025_01_02"));
    Files.writeString(second.resolve("rules.yaml"), ERRORS_AND_SLOW, UTF_8);
    Path newLink = Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
    Files.move(
        newLink,
        dir.resolve("..data"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);

    assertThat(reloader.checkNow()).isTrue();
    assertThat(reloader.current().ruleNames()).containsExactly("keep-errors", "keep-slow");
  }

  @Test
  void startingOnAnInvalidFileThrowsWithEveryError() throws Exception {
    Path file = write("rules.yaml", INVALID);

    assertThatThrownBy(() -> RulesReloader.load(file, applied::add, clock, ticker))
        .isInstanceOfSatisfying(
            RulesFileException.class,
            e -> {
              assertThat(e.errors()).hasSize(2);
              assertThat(e.errors().get(0)).startsWith(file + ":2:10: ").contains("'default'");
              assertThat(e.errors().get(1)).startsWith(file + ":6:").contains("'greater'");
            });
  }

  @Test
  void startingOnAMissingFileThrowsNamingIt() {
    Path file = dir.resolve("nowhere.yaml");

    assertThatThrownBy(() -> RulesReloader.load(file, applied::add, clock, ticker))
        .isInstanceOfSatisfying(
            RulesFileException.class,
            e -> assertThat(e.errors()).singleElement().asString().startsWith(file + ": "));
  }

  @Test
  void aFailingConsumerIsRecordedAndDoesNotEscape() throws Exception {
    Path file = write("rules.yaml", ERRORS_ONLY);
    RulesReloader reloader =
        RulesReloader.load(
            file,
            rules -> {
              throw new IllegalStateException("buffer closed");
            },
            clock,
            ticker);
    RuleSet initial = reloader.current();

    write("rules.yaml", ERRORS_AND_SLOW);
    assertThat(reloader.checkNow()).isFalse();
    assertThat(reloader.checkNow()).isFalse();

    assertThat(reloader.current()).isSameAs(initial);
    assertThat(reloader.status().reloadErrors()).isEqualTo(1);
    assertThat(reloader.status().lastError().orElseThrow().errors())
        .singleElement()
        .asString()
        .contains("applying them failed", "buffer closed");
  }

  @Test
  void statusIsAlwaysConsistentWhileReloading() throws Exception {
    Path file = write("rules.yaml", ERRORS_ONLY);
    RulesReloader reloader = RulesReloader.load(file, rules -> {}, clock, ticker);
    String errorsOnly = sha256(ERRORS_ONLY);
    String[] versions = {ERRORS_AND_SLOW, INVALID, ERRORS_ONLY};
    List<String> mismatches = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              for (int i = 0; i < 20_000; i++) {
                RulesStatus status = reloader.status();
                int expected = status.sha256().equals(errorsOnly) ? 1 : 2;
                if (status.ruleNames().size() != expected) {
                  mismatches.add(status.toString());
                }
              }
            });
    reader.start();
    for (int i = 0; i < 300; i++) {
      write("rules.yaml", versions[i % versions.length]);
      reloader.checkNow();
    }
    reader.join();

    assertThat(mismatches).isEmpty();
    assertThat(reloader.status().reloads()).isEqualTo(200);
    assertThat(reloader.status().reloadErrors()).isEqualTo(100);
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text, UTF_8);
  }

  static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}

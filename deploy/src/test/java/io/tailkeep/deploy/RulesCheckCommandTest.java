package io.tailkeep.deploy;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.sampler.rules.RulesFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesCheckCommandTest {

  private static final String VALID =
      """
      rules:
        - name: keep-errors
          conditions:
            - error: true
          keep: {}
        - name: keep-slow
          conditions:
            - duration: {of: root, gte: 500ms}
          keep: {percent: 50}
      """;

  /** Line 2, column 10: a bad 'default'; line 6, column 28: a misspelt operator. */
  private static final String INVALID =
      """
      version: 1
      default: sometimes
      rules:
        - name: keep-slow
          conditions:
            - attribute: {key: http.route, equal: /checkout}
          keep: {}
      """;

  @TempDir Path dir;

  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(outBytes, true, UTF_8);
  private final PrintStream err = new PrintStream(errBytes, true, UTF_8);

  @Test
  void aValidFileIsOkWithItsRules() throws IOException {
    Path file = write("rules.yaml", VALID);

    assertThat(run(file.toString())).isZero();

    assertThat(out()).isEqualTo(file + ": OK, 2 rules: keep-errors, keep-slow\n"
        + "  1. keep-errors: when error: true, then keep: {}\n"
        + "  2. keep-slow: when duration: {of: root, gte: 500ms}, then keep: {percent: 50}\n"
        + "  otherwise: drop (default)\n");
    assertThat(err()).isEmpty();
  }

  @Test
  void theDefaultRulesAreValid() throws IOException {
    Path file = write("default-rules.yaml", RulesFile.defaultRulesText());

    assertThat(run(file.toString())).isZero();

    assertThat(out())
        .startsWith(file + ": OK, 9 rules: keep-errors, drop-health-checks, ")
        .contains(", baseline-everything-else\n  1. keep-errors: when error: true, then keep: {}\n")
        .contains("  9. baseline-everything-else: when every trace, then keep: {percent: 1}\n")
        .endsWith("  otherwise: drop (default)\n")
        .doesNotContain("warning");
    assertThat(err()).isEmpty();
  }

  @Test
  void anInvalidFileGetsEveryErrorWithFileLineAndKey() throws IOException {
    Path file = write("rules.yaml", INVALID);

    assertThat(run(file.toString())).isEqualTo(1);

    assertThat(out()).isEmpty();
    List<String> lines = err().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .isEqualTo(file + ":2:10: 'default' must be keep or drop, got 'sometimes'");
    assertThat(lines.get(1)).startsWith(file + ":6:").contains("unknown operator 'equal'");
    assertThat(err()).doesNotContain("Exception", "\tat ");
  }

  @Test
  void aMissingFileIsInvalid() {
    Path file = dir.resolve("nowhere.yaml");

    assertThat(run(file.toString())).isEqualTo(1);

    assertThat(err()).isEqualTo(file + ": no such file\n");
  }

  @Test
  void aDirectoryIsInvalidWithoutAStackTrace() {
    assertThat(run(dir.toString())).isEqualTo(1);

    assertThat(err()).startsWith(dir + ": cannot read the file: ").doesNotContain("\tat ");
  }

  @Test
  void noFileIsAUsageError() {
    assertThat(run()).isEqualTo(2);

    assertThat(err()).contains("no file given", RulesCheckCommand.USAGE);
    assertThat(out()).isEmpty();
  }

  @Test
  void anOptionIsAUsageErrorAndHelpIsNot() {
    assertThat(run("--strict", "rules.yaml")).isEqualTo(2);
    assertThat(err()).contains("unknown option '--strict'", RulesCheckCommand.USAGE);

    assertThat(run("--help")).isZero();
    assertThat(out()).isEqualTo(RulesCheckCommand.USAGE + "\n");
  }

  @Test
  void everyFileIsCheckedAndOneInvalidFails() throws IOException {
    Path good = write("good.yaml", VALID);
    Path bad = write("bad.yaml", INVALID);
    Path alsoGood = write("also-good.yaml", "rules: []\n");

    assertThat(run(good.toString(), bad.toString(), alsoGood.toString())).isEqualTo(1);

    assertThat(out())
        .isEqualTo(good + ": OK, 2 rules: keep-errors, keep-slow\n" + "  1. keep-errors: when error: true, then keep: {}\n"
        + "  2. keep-slow: when duration: {of: root, gte: 500ms}, then keep: {percent: 50}\n"
        + "  otherwise: drop (default)\n"
            + alsoGood + ": OK, 0 rules\n  otherwise: drop (default)\n");
    assertThat(err()).startsWith(bad + ":2:10: ").doesNotContain(good.toString());
  }

  private int run(String... files) {
    List<String> args = new ArrayList<>(List.of("rules", "check"));
    args.addAll(List.of(files));
    return Main.run(args, out, err);
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text, UTF_8);
  }

  private String out() {
    return outBytes.toString(UTF_8);
  }

@Test
  void aRuleAnEarlierOneAlwaysMatchesFirstIsAWarningNotAnError() throws IOException {
    Path file = write("rules.yaml", """
        rules:
          - name: keep-errors
            conditions: [{error: true}]
            keep: {}
          - name: keep-slow-errors
            match: all
            conditions: [{duration: {of: root, gte: 1s}}, {error: true}]
            keep: {}
        """);

    assertThat(run(file.toString())).isZero();

    assertThat(out())
        .contains("  2. keep-slow-errors: when all of duration: {of: root, gte: 1s}; error: true, then keep: {}\n")
        .endsWith(file + ": warning: rule 'keep-slow-errors' can never decide: rule 'keep-errors' before it"
            + " matches every trace it matches\n");
  }

  private String err() {
    return errBytes.toString(UTF_8);
  }
}

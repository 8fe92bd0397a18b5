package io.tailkeep.sampler.reload;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the sampling rules stand, for the API and metrics: which file, which version is active,
 * how reloads went, and whether the file on disk holds a refused version.
 *
 * @param file the rules file watched
 * @param sha256 SHA-256 (lower-case hex) of the active rules' file content
 * @param loadedAt when the active rules were loaded (at start-up or by the last reload)
 * @param ruleNames the active rules' names in file order (as {@code RuleSet.ruleNames()}), so one
 *     read gives a consistent picture
 * @param reloads reloads that applied new rules since start-up (the start-up load is not one)
 * @param reloadErrors versions of the file refused since start-up (invalid, missing, unreadable),
 *     each counted once however often it is checked
 * @param lastError the latest refusal, kept after the file is fixed, as history
 * @param invalidOnDisk true while the file on disk differs from the active rules because it was
 *     refused; false again once a valid version is applied or the file is back to the active one
 */
public record RulesStatus(
    Path file,
    String sha256,
    Instant loadedAt,
    List<String> ruleNames,
    long reloads,
    long reloadErrors,
    Optional<ReloadError> lastError,
    boolean invalidOnDisk) {

  public RulesStatus {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(loadedAt, "loadedAt");
    ruleNames = List.copyOf(ruleNames);
    Objects.requireNonNull(lastError, "lastError");
  }

  /**
   * A refused version of the rules file.
   *
   * @param at when it was refused
   * @param errors every problem, each {@code file:line:column: message}, or one line naming the
   *     file and why it could not be read
   */
  public record ReloadError(Instant at, List<String> errors) {
    public ReloadError {
      Objects.requireNonNull(at, "at");
      errors = List.copyOf(errors);
      if (errors.isEmpty()) {
        throw new IllegalArgumentException("a reload error needs at least one message");
      }
    }
  }
}

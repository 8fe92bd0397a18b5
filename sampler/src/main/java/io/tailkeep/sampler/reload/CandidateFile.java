package io.tailkeep.sampler.reload;

import com.github.benmanes.caffeine.cache.Ticker;
import io.tailkeep.sampler.reload.RulesStatus.ReloadError;
import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.sampler.rules.RulesFileException;
import io.tailkeep.sampler.shadow.CandidateRules;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the candidate rules file's rules on trial whenever its content changes, polled as the rules
 * file is ({@link RulesReloader} says why polling). Unlike the rules file it may be missing, at
 * start or later: no file means no candidate from it (a candidate uploaded through the API stays).
 * An invalid version is refused and the candidate on trial stays, as with the rules file.
 *
 * <p>Thread-safe: {@link #checkNow()} runs one at a time; {@link #status()} is read from any
 * thread.
 */
public final class CandidateFile {

  private static final Logger LOG = LoggerFactory.getLogger(CandidateFile.class);

  private final Path file;
  private final CandidateRules candidate;
  private final Clock clock;
  private final Ticker ticker;
  /** What the last check found (see {@link FileContent#seen()}); null before the first. */
  private String lastSeen;
  private volatile Status status;

  /**
   * The candidate file's state.
   *
   * @param present whether the file exists
   * @param refused the file's content now, when it was refused (invalid or unreadable)
   */
  public record Status(Path file, boolean present, Optional<ReloadError> refused) {
    public Status {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(refused, "refused");
    }
  }

  private CandidateFile(Path file, CandidateRules candidate, Clock clock, Ticker ticker) {
    this.file = file;
    this.candidate = candidate;
    this.clock = clock;
    this.ticker = ticker;
    this.status = new Status(file, false, Optional.empty());
  }

  /**
   * Watches {@code file} for {@code candidate}: reads it now (never fails for the file's sake)
   * and again at each {@link #checkNow()}.
   *
   * @param ticker read by the candidate's rate limits (the buffer's ticker)
   */
  public static CandidateFile watch(Path file, CandidateRules candidate, Clock clock, Ticker ticker) {
    CandidateFile watched =
        new CandidateFile(
            Objects.requireNonNull(file, "file"),
            Objects.requireNonNull(candidate, "candidate"),
            Objects.requireNonNull(clock, "clock"),
            Objects.requireNonNull(ticker, "ticker"));
    watched.checkNow();
    return watched;
  }

  public Status status() {
    return status;
  }

  /** Reads the file and, if its content changed since the last check, acts on it. */
  public synchronized void checkNow() {
    FileContent content = FileContent.read(file);
    String seen = content.seen();
    if (seen.equals(lastSeen)) {
      return;
    }
    lastSeen = seen;
    if (content.missing()) {
      if (candidate.origin().filter(file.toString()::equals).isPresent()) {
        candidate.withdraw();
        LOG.info("candidate rules file {} is gone: its candidate is off trial", file);
      }
      status = new Status(file, false, Optional.empty());
      return;
    }
    if (content.unreadable()) {
      refuse(List.of(content.problem()));
      return;
    }
    RuleSet rules;
    try {
      rules = RulesFile.parse(file.toString(), content.text(), ticker);
    } catch (RulesFileException e) {
      refuse(e.errors());
      return;
    } catch (RuntimeException e) {
      LOG.error("candidate rules file {}: the parser failed", file, e);
      refuse(List.of(file + ": the rules parser failed: " + e));
      return;
    }
    candidate.propose(rules, file.toString());
    status = new Status(file, true, Optional.empty());
    LOG.info("candidate rules from {} on trial: {} rules (sha {}); they decide nothing",
        file, rules.ruleNames().size(), seen.substring(0, 12));
  }

  private void refuse(List<String> errors) {
    status = new Status(file, true, Optional.of(new ReloadError(clock.instant(), errors)));
    LOG.warn("candidate rules file {} refused, the candidate on trial stays:\n  {}",
        file, String.join("\n  ", errors));
  }
}

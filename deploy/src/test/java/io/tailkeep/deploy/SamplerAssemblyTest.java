package io.tailkeep.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tailkeep.sampler.TailSampler;
import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.sampler.rules.RulesFileException;
import io.tailkeep.store.SpanWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sampler's parts as both paths get them: the all-in-one's sampler decides by the very rules a
 * node on Kafka reads ({@code rules().current()}), and follows the file the same way.
 */
class SamplerAssemblyTest {

  private static final SpanWriter WRITER = batch -> CompletableFuture.completedFuture(null);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void withoutAFileTheShippedDefaultsDecideAndNothingIsReloaded() throws Exception {
    SamplerAssembly parts = load(null, Duration.ofSeconds(1));
    TailSampler sampler = parts.tailSampler(WRITER, registry);

    assertThat(parts.rules().current().ruleNames())
        .isEqualTo(RulesFile.loadDefault().ruleNames());
    assertThat(parts.rules().status()).isEmpty();
    assertThat(parts.rules().reloader()).isEmpty();
    assertThat(sampler.rules()).isSameAs(parts.rules().current());
    assertThat(sampler.rulesStatus()).isEmpty();
    assertThat(registry.get("tailkeep.rules.count").gauge().value())
        .isEqualTo(RulesFile.loadDefault().ruleNames().size());
    assertThat(sampler.shutdown(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void theSamplerFollowsTheRulesFileTheNodeOnKafkaReads(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("rules.yaml"), rules("drop-all", "drop"));
    // The shortest interval: the first tick looks at the file.
    SamplerAssembly parts = load(file, Duration.ofNanos(1));
    TailSampler sampler = parts.tailSampler(WRITER, registry);
    assertThat(sampler.rules()).isSameAs(parts.rules().current());
    assertThat(sampler.rules().ruleNames()).containsExactly("drop-all");

    Files.writeString(file, rules("keep-all", "keep"));
    sampler.tick();

    assertThat(parts.rules().current().ruleNames()).containsExactly("keep-all");
    assertThat(sampler.rules()).isSameAs(parts.rules().current());
    assertThat(parts.rules().status().orElseThrow().reloads()).isEqualTo(1);
    assertThat(sampler.rulesStatus()).isEqualTo(parts.rules().status());
    assertThat(sampler.shutdown(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void anInvalidRulesFileIsRefusedBeforeAnythingIsBuilt(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("rules.yaml"), "rules:\n  - name: x\n    explode: {}\n");

    assertThatThrownBy(() -> load(file, Duration.ofSeconds(1)))
        .isInstanceOfSatisfying(
            RulesFileException.class,
            e -> assertThat(String.join("\n", e.errors())).contains("rules.yaml:3").contains("explode"));
  }

  private static SamplerAssembly load(Path file, Duration rulesCheckInterval)
      throws RulesFileException {
    return SamplerAssembly.load(
        file, null, buffer -> buffer.executor(Runnable::run), queue -> {}, Duration.ofMillis(100),
        rulesCheckInterval);
  }

  private static String rules(String name, String action) {
    return "rules:\n  - name: " + name + "\n    conditions: []\n    " + action + ": {}\n";
  }
}

package io.tailkeep.deploy.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.sampler.rules.RulesFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The configs and rules inside the Docker and Kubernetes files are valid for Tailkeep itself. The
 * files cannot be run here (no Docker engine, no cluster); this checks the part Tailkeep reads.
 */
class ShippedDeployFilesTest {

  @TempDir Path dir;

  @Test
  void theImageConfigIsValidWithItsRulesFileInPlace() throws Exception {
    Path etc = Files.createDirectories(dir.resolve("etc"));
    Files.copy(Path.of("docker/tailkeep.yaml"), etc.resolve("tailkeep.yaml"));
    Files.copy(Path.of("config/default-rules.yaml"), etc.resolve("rules.yaml"));

    // As docker/compose.yaml runs it: Cassandra named by the environment.
    TailkeepConfig config =
        TailkeepConfig.load(
            etc.resolve("tailkeep.yaml"),
            Map.of(
                "TAILKEEP_CASSANDRA_CONTACT_POINTS", "cassandra:9042",
                "TAILKEEP_CASSANDRA_LOCAL_DATACENTER", "datacenter1",
                "TAILKEEP_CASSANDRA_CONSISTENCY", "LOCAL_ONE"));

    assertThat(config.sampler().rulesFile()).contains(etc.resolve("rules.yaml"));
    assertThat(config.cassandra().isEmbedded()).isFalse();
    assertThat(config.logging().format()).isEqualTo("json");
  }

  @Test
  void everyTailkeepServiceOfTheClusterComposeFileHasAValidConfig() throws Exception {
    Path etc = Files.createDirectories(dir.resolve("etc-cluster"));
    Files.copy(Path.of("docker/tailkeep.yaml"), etc.resolve("tailkeep.yaml"));
    Files.copy(Path.of("config/default-rules.yaml"), etc.resolve("rules.yaml"));
    Map<String, Object> compose = new Yaml().load(Files.readString(Path.of("docker/compose-cluster.yaml")));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
    Map<String, TailkeepConfig.Role> expected = Map.of(
        "ingest", TailkeepConfig.Role.INGEST,
        "sampler", TailkeepConfig.Role.SAMPLER,
        "query", TailkeepConfig.Role.QUERY);

    for (Map.Entry<String, TailkeepConfig.Role> service : expected.entrySet()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> environment = (Map<String, Object>) services.get(service.getKey()).get("environment");
      Map<String, String> env = new java.util.HashMap<>();
      environment.forEach((key, value) -> env.put(key, String.valueOf(value)));
      TailkeepConfig config = TailkeepConfig.load(etc.resolve("tailkeep.yaml"), env);

      assertThat(config.node().roles()).as(service.getKey()).containsExactly(service.getValue());
      assertThat(config.kafka().bootstrapServers()).containsExactly("kafka:9092");
      assertThat(config.cassandra().isEmbedded()).isFalse();
    }
  }

  @Test
  void eachKubernetesClusterWorkloadHasAValidConfigWithItsRole() throws Exception {
    Map<String, String> data = configMapData();
    Path rules = Files.writeString(dir.resolve("cluster-rules.yaml"), data.get("rules.yaml"));
    Map<String, TailkeepConfig.Role> workloads = Map.of(
        "ingest.yaml", TailkeepConfig.Role.INGEST,
        "sampler.yaml", TailkeepConfig.Role.SAMPLER,
        "query.yaml", TailkeepConfig.Role.QUERY);

    for (Map.Entry<String, TailkeepConfig.Role> workload : workloads.entrySet()) {
      Map<String, Object> manifest =
          new Yaml().load(Files.readString(Path.of("kubernetes/cluster", workload.getKey())));
      Map<String, String> env = new java.util.HashMap<>();
      env.put("TAILKEEP_SAMPLER_RULES_FILE", rules.toString());
      env.put("TAILKEEP_CASSANDRA_PASSWORD", "from-the-secret");
      env.put("TAILKEEP_NODE_NAME", "pod-0"); // the pod's name, from the downward API
      for (Map<String, Object> variable : containerEnv(manifest)) {
        if (variable.containsKey("value")) {
          env.put((String) variable.get("name"), String.valueOf(variable.get("value")));
        }
      }
      TailkeepConfig config = TailkeepConfig.parse("tailkeep.yaml", dir, data.get("tailkeep.yaml"), env);

      assertThat(config.node().roles()).as(workload.getKey()).containsExactly(workload.getValue());
      assertThat(config.kafka().isEnabled()).isTrue();
    }
  }

  /** The shipped Kubernetes ConfigMap's files: tailkeep.yaml and rules.yaml. */
  @SuppressWarnings("unchecked")
  private static Map<String, String> configMapData() throws java.io.IOException {
    Map<String, Object> configMap = new Yaml().load(Files.readString(Path.of("kubernetes/base/configmap.yaml")));
    return (Map<String, String>) configMap.get("data");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> containerEnv(Map<String, Object> manifest) {
    Map<String, Object> spec = (Map<String, Object>) manifest.get("spec");
    Map<String, Object> template = (Map<String, Object>) spec.get("template");
    Map<String, Object> podSpec = (Map<String, Object>) template.get("spec");
    List<Map<String, Object>> containers = (List<Map<String, Object>>) podSpec.get("containers");
    return (List<Map<String, Object>>) containers.get(0).get("env");
  }

  @Test
  void theKubernetesConfigMapHoldsAValidConfigAndValidRules() throws Exception {
    Map<String, String> data = configMapData();
    Path rules = Files.writeString(dir.resolve("rules.yaml"), data.get("rules.yaml"));

    RuleSet ruleSet = RulesFile.parse("rules.yaml", data.get("rules.yaml"));
    TailkeepConfig config =
        TailkeepConfig.parse(
            "tailkeep.yaml",
            dir,
            data.get("tailkeep.yaml"),
            Map.of(
                // Mounted at /etc/tailkeep/rules in the pod; here, the same text in a temp file.
                "TAILKEEP_SAMPLER_RULES_FILE", rules.toString(),
                "TAILKEEP_CASSANDRA_PASSWORD", "from-the-secret"));

    assertThat(ruleSet.ruleNames()).isNotEmpty();
    assertThat(config.cassandra().consistency()).isEqualTo("LOCAL_QUORUM");
    assertThat(config.cassandra().replication().simple()).isFalse();
    assertThat(config.cassandra().username()).contains("tailkeep");
  }
}

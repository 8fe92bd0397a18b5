package io.tailkeep.deploy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  /** The rules the image ships, from where the Dockerfile copies them (paths from the repository root). */
  private static final String DEFAULT_RULES_IN_REPOSITORY =
      "sampler/src/main/resources/io/tailkeep/sampler/default-rules.yaml";
  private static final Path DEFAULT_RULES = Path.of("..", DEFAULT_RULES_IN_REPOSITORY);

  @TempDir Path dir;

  @Test
  void theImageConfigIsValidWithItsRulesFileInPlace() throws Exception {
    assertThat(Files.readString(Path.of("Dockerfile")))
        .contains("COPY " + DEFAULT_RULES_IN_REPOSITORY + " /etc/tailkeep/rules.yaml");
    Path etc = Files.createDirectories(dir.resolve("etc"));
    Files.copy(Path.of("docker/tailkeep.yaml"), etc.resolve("tailkeep.yaml"));
    Files.copy(DEFAULT_RULES, etc.resolve("rules.yaml"));

    // As docker/compose.yaml runs it: Cassandra named by the environment.
    Map<String, String> env = new java.util.HashMap<>(Map.of(
        "TAILKEEP_CASSANDRA_CONTACT_POINTS", "cassandra:9042",
        "TAILKEEP_CASSANDRA_LOCAL_DATACENTER", "datacenter1",
        "TAILKEEP_CASSANDRA_CONSISTENCY", "LOCAL_ONE"));

    // Without the tokens secret mounted, the image refuses to start.
    assertThatThrownBy(() -> TailkeepConfig.load(etc.resolve("tailkeep.yaml"), env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("auth.tokens_file: no such file: " + Path.of(IMAGE_TOKENS_FILE));
    // With it (here: the same file elsewhere), it listens beyond loopback.
    env.put("TAILKEEP_AUTH_TOKENS_FILE", tokensFile().toString());
    TailkeepConfig config = TailkeepConfig.load(etc.resolve("tailkeep.yaml"), env);

    assertThat(auth(Files.readString(Path.of("docker/tailkeep.yaml")))).containsEntry("tokens_file", IMAGE_TOKENS_FILE);
    assertThat(config.auth().isEnabled()).isTrue();
    assertThat(config.server().host()).isEqualTo("0.0.0.0");
    assertThat(config.sampler().rulesFile()).contains(etc.resolve("rules.yaml"));
    assertThat(config.cassandra().isEmbedded()).isFalse();
    assertThat(config.logging().format()).isEqualTo("json");
  }

  @Test
  void everyTailkeepServiceOfTheClusterComposeFileHasAValidConfig() throws Exception {
    Path etc = Files.createDirectories(dir.resolve("etc-cluster"));
    Files.copy(Path.of("docker/tailkeep.yaml"), etc.resolve("tailkeep.yaml"));
    Files.copy(DEFAULT_RULES, etc.resolve("rules.yaml"));
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
      assertThat(env).as("tokens come from the secret, not the environment")
          .doesNotContainKey("TAILKEEP_AUTH_TOKENS_FILE");
      env.put("TAILKEEP_AUTH_TOKENS_FILE", tokensFile().toString()); // the secret, mounted here
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
      env.put("TAILKEEP_AUTH_TOKENS_FILE", tokensFile().toString()); // the Secret's file, mounted here
      for (Map<String, Object> variable : containerEnv(manifest)) {
        if (variable.containsKey("value")) {
          env.put((String) variable.get("name"), String.valueOf(variable.get("value")));
        }
      }
      TailkeepConfig config = TailkeepConfig.parse("tailkeep.yaml", dir, data.get("tailkeep.yaml"), env);

      assertThat(config.node().roles()).as(workload.getKey()).containsExactly(workload.getValue());
      assertThat(config.kafka().isEnabled()).isTrue();
      assertThat(config.auth().isEnabled()).isTrue();
    }
  }

  @Test
  void bothComposeFilesNeedATokensFileAndHaveNoDefaultForIt() throws Exception {
    for (String file : List.of("docker/compose.yaml", "docker/compose-cluster.yaml")) {
      Map<String, Object> compose = new Yaml().load(Files.readString(Path.of(file)));
      @SuppressWarnings("unchecked")
      Map<String, Map<String, Object>> secrets = (Map<String, Map<String, Object>>) compose.get("secrets");
      // ${VAR:?message}: compose stops with the message when VAR is unset or empty; no default.
      assertThat(String.valueOf(secrets.get("tailkeep-tokens").get("file"))).as(file)
          .matches("\\$\\{TAILKEEP_TOKENS_FILE:\\?[^}]+}");
      @SuppressWarnings("unchecked")
      Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
      services.forEach((name, service) -> {
        if (service.containsKey("build")) { // a Tailkeep service (the anchor is merged in by the parser)
          assertThat(service.get("secrets")).as(file + " " + name).isEqualTo(List.of("tailkeep-tokens"));
        }
      });
      assertThat(services.keySet().stream().filter(n -> services.get(n).containsKey("build"))).as(file).isNotEmpty();
    }
    // compose mounts secret NAME at /run/secrets/NAME: the image's tokens file.
    assertThat(IMAGE_TOKENS_FILE).isEqualTo("/run/secrets/tailkeep-tokens");
  }

  @Test
  void everyKubernetesWorkloadMountsTheTokensSecretWhichIsNotCommitted() throws Exception {
    for (String file : List.of("kubernetes/deployment.yaml", "kubernetes/cluster/ingest.yaml",
        "kubernetes/cluster/sampler.yaml", "kubernetes/cluster/query.yaml")) {
      Map<String, Object> manifest = new Yaml().load(Files.readString(Path.of(file)));
      Map<String, Object> podSpec = podSpec(manifest);
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> volumes = (List<Map<String, Object>>) podSpec.get("volumes");
      Map<String, Object> tokens = volumes.stream().filter(v -> "tokens".equals(v.get("name"))).findFirst()
          .orElseThrow(() -> new AssertionError(file + " has no tokens volume"));
      @SuppressWarnings("unchecked")
      Map<String, Object> secret = (Map<String, Object>) tokens.get("secret");
      assertThat(secret).as(file).containsEntry("secretName", "tailkeep-tokens");
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> mounts =
          (List<Map<String, Object>>) ((List<Map<String, Object>>) podSpec.get("containers")).get(0).get("volumeMounts");
      assertThat(mounts).as(file).anySatisfy(mount -> {
        assertThat(mount.get("name")).isEqualTo("tokens");
        assertThat(mount.get("mountPath") + "/tokens.yaml").isEqualTo(K8S_TOKENS_FILE);
      });
    }
    // The Secret itself is created by the operator: no manifest of ours defines it with a value.
    try (var files = Files.walk(Path.of("kubernetes"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        for (Object document : new Yaml().loadAll(Files.readString(file))) {
          if (document instanceof Map<?, ?> manifest && "Secret".equals(manifest.get("kind"))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> metadata = (Map<String, Object>) manifest.get("metadata");
            assertThat(metadata.get("name")).as(file.toString()).isNotEqualTo("tailkeep-tokens");
          }
        }
      }
    }
  }

  private static final String IMAGE_TOKENS_FILE = "/run/secrets/tailkeep-tokens";
  private static final String K8S_TOKENS_FILE = "/etc/tailkeep/tokens/tokens.yaml";

  /** A valid tokens file, standing in for the secret the deploy files mount. */
  private Path tokensFile() throws java.io.IOException {
    return Files.writeString(dir.resolve("tokens.yaml"),
        "- {name: app, token: app-token-0123456789abcdef, roles: [ingest]}\n");
  }

  /** The auth section of a Tailkeep config text. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> auth(String configYaml) {
    Map<String, Object> config = new Yaml().load(configYaml);
    return (Map<String, Object>) config.get("auth");
  }

  /** The shipped Kubernetes ConfigMap's files: tailkeep.yaml and rules.yaml. */
  @SuppressWarnings("unchecked")
  private static Map<String, String> configMapData() throws java.io.IOException {
    Map<String, Object> configMap = new Yaml().load(Files.readString(Path.of("kubernetes/base/configmap.yaml")));
    return (Map<String, String>) configMap.get("data");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> containerEnv(Map<String, Object> manifest) {
    List<Map<String, Object>> containers = (List<Map<String, Object>>) podSpec(manifest).get("containers");
    return (List<Map<String, Object>>) containers.get(0).get("env");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> podSpec(Map<String, Object> manifest) {
    Map<String, Object> spec = (Map<String, Object>) manifest.get("spec");
    Map<String, Object> template = (Map<String, Object>) spec.get("template");
    return (Map<String, Object>) template.get("spec");
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
                "TAILKEEP_AUTH_TOKENS_FILE", tokensFile().toString(),
                "TAILKEEP_CASSANDRA_PASSWORD", "from-the-secret"));

    assertThat(ruleSet.ruleNames()).isNotEmpty();
    assertThat(config.server().host()).isEqualTo("0.0.0.0");
    assertThat(auth(data.get("tailkeep.yaml"))).containsEntry("tokens_file", K8S_TOKENS_FILE);
    assertThat(config.cassandra().consistency()).isEqualTo("LOCAL_QUORUM");
    assertThat(config.cassandra().replication().simple()).isFalse();
    assertThat(config.cassandra().username()).contains("tailkeep");
  }
}

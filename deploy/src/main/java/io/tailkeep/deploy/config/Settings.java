package io.tailkeep.deploy.config;

import io.tailkeep.units.DurationSyntax;
import io.tailkeep.units.SizeSyntax;
import io.tailkeep.yaml.DidYouMean;
import io.tailkeep.yaml.MappingKeys;
import io.tailkeep.yaml.MappingKeys.Entry;
import io.tailkeep.yaml.Position;
import io.tailkeep.yaml.Scalars;
import io.tailkeep.yaml.YamlSyntaxException;
import io.tailkeep.yaml.YamlTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Typed reads of dotted keys ({@code server.grpc_port}) from the YAML config file, each overridable
 * by an environment variable ({@code TAILKEEP_SERVER_GRPC_PORT}). Every problem is collected with
 * where it came from ({@code tailkeep.yaml:3:14} or the variable's name), so one run reports them
 * all; keys in the file that no read asked for are reported as unknown by {@link #finish()}.
 */
final class Settings {

  static final String ENV_PREFIX = "TAILKEEP_";

  /** Durations in the config file: Tailkeep's dialect, whole milliseconds up to days. */
  static final DurationSyntax DURATIONS = DurationSyntax.TAILKEEP.units("ms", "d");

  private final String fileName;
  private final Path baseDirectory;
  private final MappingNode root;
  private final Map<String, String> env;
  private final Set<Node> read = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Set<String> knownKeys = new TreeSet<>();
  private final List<String> problems = new ArrayList<>();

  private Settings(String fileName, Path baseDirectory, MappingNode root, Map<String, String> env) {
    this.fileName = fileName;
    this.baseDirectory = baseDirectory;
    this.root = root;
    this.env = env;
  }

  /** Settings from the environment alone; relative paths are taken from the working directory. */
  static Settings fromEnvironment(Map<String, String> env) {
    return new Settings(null, Path.of("").toAbsolutePath(), null, env);
  }

  /** Settings from a YAML file; its relative paths are taken from the file's directory. */
  static Settings fromFile(Path file, Map<String, String> env) throws ConfigException {
    String yaml;
    try {
      yaml = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(
          List.of(file + ": cannot read the config file: " + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " " + e.getMessage())));
    }
    Path directory = file.toAbsolutePath().getParent();
    return fromYaml(file.getFileName().toString(), directory, yaml, env);
  }

  static Settings fromYaml(String fileName, Path baseDirectory, String yaml, Map<String, String> env)
      throws ConfigException {
    Node document;
    try {
      document = YamlTree.compose(yaml);
    } catch (YamlSyntaxException e) {
      throw new ConfigException(
          List.of(where(fileName, e.position().orElse(null)) + ": not valid YAML: " + e.problem()));
    }
    if (document == null || Scalars.isNull(document)) {
      return new Settings(fileName, baseDirectory, null, env);
    }
    if (!(document instanceof MappingNode mapping)) {
      throw new ConfigException(
          List.of(where(fileName, Position.of(document)) + ": the config must be a mapping of sections"));
    }
    return new Settings(fileName, baseDirectory, mapping, env);
  }

  /** The environment variable that overrides a key. */
  static String envName(String key) {
    return ENV_PREFIX + key.replace('.', '_').toUpperCase(Locale.ROOT);
  }

  // ---- typed reads: each returns the default (or empty) when absent or wrong, noting the problem

  String text(String key, String defaultValue) {
    return optionalText(key).orElse(defaultValue);
  }

  Optional<String> optionalText(String key) {
    return scalar(key).map(Value::text).filter(t -> !t.isEmpty());
  }

  boolean flag(String key, boolean defaultValue) {
    return typed(key, defaultValue, "true or false", text -> switch (text) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> null;
    });
  }

  int integer(String key, int defaultValue, int min, int max) {
    return typed(
        key, defaultValue, "a whole number from " + min + " to " + max,
        text -> Scalars.wholeNumber(text, min, max));
  }

  int port(String key, int defaultValue) {
    return integer(key, defaultValue, 0, 65_535);
  }

  /** A duration such as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}. */
  java.time.Duration duration(
      String key, java.time.Duration defaultValue, java.time.Duration min, java.time.Duration max) {
    String expected =
        "a duration from " + DURATIONS.format(min) + " to " + DURATIONS.format(max)
            + " with a unit of ms, s, m, h or d (e.g. 30s)";
    return typed(key, defaultValue, expected, text -> {
      try {
        java.time.Duration value = DURATIONS.parse(text);
        return value.compareTo(min) >= 0 && value.compareTo(max) <= 0 ? value : null;
      } catch (IllegalArgumentException notADuration) {
        return null;
      }
    });
  }

  /** A size in bytes: a plain number, or with a unit B, KiB, MiB, GiB, KB, MB, GB. */
  long bytes(String key, long defaultValue, long min, long max) {
    String expected =
        "a size from " + min + " to " + max + " bytes, e.g. 512MiB (units " + SizeSyntax.UNITS + ")";
    return typed(key, defaultValue, expected, text -> {
      try {
        long value = SizeSyntax.parseBytes(text);
        return value >= min && value <= max ? value : null;
      } catch (IllegalArgumentException notASize) {
        return null;
      }
    });
  }

  /** One of the given words; the answer is spelled as in {@code choices}, the input in any case. */
  String choice(String key, String defaultValue, List<String> choices) {
    return typed(key, defaultValue, "one of " + String.join(", ", choices), text -> {
      for (String choice : choices) {
        if (choice.equalsIgnoreCase(text)) {
          return choice;
        }
      }
      return null;
    });
  }

  /** A file or directory; relative ones resolve against the config file's directory. */
  Optional<Path> path(String key) {
    return scalar(key)
        .filter(v -> !v.text().isEmpty())
        .map(v -> (v.fromEnv() ? Path.of("").toAbsolutePath() : baseDirectory).resolve(v.text()).normalize());
  }

  /** A YAML list of words, or in the environment a comma-separated list. */
  Optional<List<String>> list(String key) {
    knownKeys.add(key);
    String envName = envName(key);
    if (env.containsKey(envName)) {
      return Optional.of(splitCommas(env.get(envName)));
    }
    Optional<Node> node = node(key);
    if (node.isEmpty()) {
      return Optional.empty();
    }
    if (!(node.get() instanceof SequenceNode sequence)) {
      problem(where(node.get()), key, "must be a list, e.g. [a, b]");
      return Optional.empty();
    }
    List<String> items = new ArrayList<>();
    for (Node item : sequence.getValue()) {
      if (!(item instanceof ScalarNode scalar) || scalar.getValue().isBlank()) {
        problem(where(item), key, "each item must be a non-empty word");
        return Optional.empty();
      }
      items.add(scalar.getValue().trim());
    }
    return Optional.of(items);
  }

  /** A YAML mapping of names to whole numbers, or in the environment {@code a:1,b:2}. */
  Optional<Map<String, Integer>> counts(String key, int min, int max) {
    knownKeys.add(key);
    String expected = "a whole number from " + min + " to " + max;
    String envName = envName(key);
    Map<String, Integer> counts = new LinkedHashMap<>();
    if (env.containsKey(envName)) {
      for (String entry : splitCommas(env.get(envName))) {
        int colon = entry.lastIndexOf(':');
        Integer count = colon < 0 ? null : Scalars.wholeNumber(entry.substring(colon + 1).trim(), min, max);
        if (count == null || colon == 0) {
          problem("environment variable " + envName, key,
              "'" + entry + "' must be NAME:COUNT with COUNT " + expected);
          return Optional.empty();
        }
        counts.put(entry.substring(0, colon).trim(), count);
      }
      return Optional.of(counts);
    }
    return mappingInFile(
        key, "a mapping of names to counts, e.g. {dc1: 3}",
        text -> Scalars.wholeNumber(text, min, max), text -> "must be " + expected + ", got " + quote(text));
  }

  /**
   * A YAML mapping of names to text values (passed through to a client library), or in the
   * environment one {@code name=value} per line.
   */
  Optional<Map<String, String>> textMap(String key) {
    knownKeys.add(key);
    String envName = envName(key);
    Map<String, String> values = new LinkedHashMap<>();
    if (env.containsKey(envName)) {
      for (String line : env.get(envName).split("\\R")) {
        if (line.isBlank()) {
          continue;
        }
        int equals = line.indexOf('=');
        if (equals <= 0) {
          problem("environment variable " + envName, key, "each line must be NAME=VALUE, got " + quote(line));
          return Optional.empty();
        }
        values.put(line.substring(0, equals).trim(), line.substring(equals + 1).trim());
      }
      return Optional.of(values);
    }
    return mappingInFile(
        key, "a mapping of setting names to values, e.g. {security.protocol: SSL}",
        Function.identity(), text -> "must be a single value");
  }

  /**
   * The file's mapping of names to single values at {@code key}, each read by {@code parse}; a
   * value it refuses (null) is reported with {@code refusal} of its text (null for no scalar).
   */
  private <T> Optional<Map<String, T>> mappingInFile(
      String key, String expected, Function<String, T> parse, Function<String, String> refusal) {
    Optional<Node> node = node(key);
    if (node.isEmpty()) {
      return Optional.empty();
    }
    if (!(node.get() instanceof MappingNode mapping)) {
      problem(where(node.get()), key, "must be " + expected);
      return Optional.empty();
    }
    Map<String, T> values = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String name = Scalars.text(tuple.getKeyNode());
      String text = Scalars.text(tuple.getValueNode());
      T value = text == null ? null : parse.apply(text);
      if (name == null || value == null) {
        problem(where(tuple.getValueNode()), key + "." + name, refusal.apply(text));
        return Optional.empty();
      }
      values.put(name, value);
    }
    return Optional.of(values);
  }

  /** Every key read so far. */
  Set<String> knownKeys() {
    return Set.copyOf(knownKeys);
  }

  /** Records a problem that involves a key's value beyond its type (e.g. two keys that conflict). */
  void problem(String key, String message) {
    knownKeys.add(key);
    problem(locate(key), key, message);
  }

  /** Throws every problem found, unknown keys included; returns when there is none. */
  void finish() throws ConfigException {
    if (root != null) {
      findUnread(root, "");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  // ---- internals

  private record Value(String text, boolean fromEnv, String where) {}

  private <T> T typed(String key, T defaultValue, String expected, Function<String, T> parse) {
    Optional<Value> value = scalar(key);
    if (value.isEmpty() || value.get().text().isEmpty()) {
      return defaultValue;
    }
    T parsed = parse.apply(value.get().text());
    if (parsed == null) {
      problem(value.get().where(), key, "must be " + expected + ", got " + quote(value.get().text()));
      return defaultValue;
    }
    return parsed;
  }

  private Optional<Value> scalar(String key) {
    knownKeys.add(key);
    String envName = envName(key);
    if (env.containsKey(envName)) {
      return Optional.of(new Value(env.get(envName).trim(), true, "environment variable " + envName));
    }
    Optional<Node> node = node(key);
    if (node.isEmpty()) {
      return Optional.empty();
    }
    if (!(node.get() instanceof ScalarNode scalar)) {
      problem(where(node.get()), key, "must be a single value, not a " + Scalars.kind(node.get()));
      return Optional.empty();
    }
    return Optional.of(new Value(scalar.getValue().trim(), false, where(scalar)));
  }

  /** The value node at a dotted key, marked as read; empty when absent or null. */
  private Optional<Node> node(String key) {
    if (root == null) {
      return Optional.empty();
    }
    String[] parts = key.split("\\.");
    MappingNode mapping = root;
    for (int i = 0; i < parts.length; i++) {
      Node value = MappingKeys.value(mapping, parts[i]);
      if (value == null || Scalars.isNull(value)) {
        return Optional.empty();
      }
      if (i == parts.length - 1) {
        read.add(value);
        return Optional.of(value);
      }
      if (!(value instanceof MappingNode next)) {
        String section = String.join(".", java.util.Arrays.copyOf(parts, i + 1));
        if (read.add(value)) {
          problem(where(value), section, "must be a mapping of settings, not a " + Scalars.kind(value));
        }
        return Optional.empty();
      }
      mapping = next;
    }
    return Optional.empty();
  }

  private void findUnread(MappingNode mapping, String prefix) {
    MappingKeys.KeyProblems keyProblems =
        new MappingKeys.KeyProblems() {
          @Override
          public void notAName(Node key) {
            String section = prefix.isEmpty() ? "(top level)" : prefix.substring(0, prefix.length() - 1);
            problem(where(key), section, "keys must be words");
          }

          @Override
          public void repeated(ScalarNode key, ScalarNode first) {
            problem(where(key), prefix + key.getValue(), "appears twice");
          }
        };
    MappingKeys.forEach(mapping, keyProblems, entry -> findUnread(entry, prefix));
  }

  private void findUnread(Entry entry, String prefix) {
    String key = prefix + entry.name();
    Node value = entry.value();
    if (read.contains(value) || knownKeys.contains(key)) {
      return; // read, or overridden by the environment
    }
    if (!isSection(key)) {
      problem(where(entry.key()), key, "unknown key" + suggestion(key));
    } else if (value instanceof MappingNode nested) {
      findUnread(nested, key + ".");
    } else if (!Scalars.isNull(value)) {
      problem(where(value), key, "must be a mapping of settings, not a " + Scalars.kind(value));
    }
  }

  /** A key some known key lies under. */
  private boolean isSection(String key) {
    return knownKeys.stream().anyMatch(k -> k.startsWith(key + "."));
  }

  private String suggestion(String key) {
    return DidYouMean.closest(key, knownKeys).map(best -> " (did you mean '" + best + "'?)").orElse("");
  }

  private String locate(String key) {
    String envName = envName(key);
    if (env.containsKey(envName)) {
      return "environment variable " + envName;
    }
    return node(key).map(this::where).orElse(fileName == null ? "defaults" : fileName);
  }

  private void problem(String where, String key, String message) {
    problems.add(where + ": " + key + ": " + message);
  }

  private String where(Node node) {
    return where(fileName, Position.of(node));
  }

  private static String where(String fileName, Position position) {
    String file = fileName == null ? "config" : fileName;
    return position == null ? file : position.in(file);
  }

  private static String quote(String text) {
    return text == null ? "nothing" : "'" + text + "'";
  }

  private static List<String> splitCommas(String text) {
    List<String> items = new ArrayList<>();
    for (String item : text.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    return items;
  }
}

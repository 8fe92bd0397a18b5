package io.tailkeep.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** The kit on real node trees composed from text. */
class NodeKitTest {

  private static MappingNode mapping(String yaml) throws YamlSyntaxException {
    return (MappingNode) YamlTree.compose(yaml);
  }

  private static Node value(String yaml) throws YamlSyntaxException {
    return MappingKeys.value(mapping("v: " + yaml + "\n"), "v");
  }

  @Test
  void positionsCountFromOne() throws YamlSyntaxException {
    MappingNode root = mapping("server:\n  grpc_port: 4317\n");
    MappingNode server = (MappingNode) MappingKeys.value(root, "server");
    Node port = MappingKeys.value(server, "grpc_port");

    assertThat(Position.of(root)).isEqualTo(new Position(1, 1));
    assertThat(Position.of(port)).isEqualTo(new Position(2, 14));
    assertThat(Position.of(port).in("tailkeep.yaml")).isEqualTo("tailkeep.yaml:2:14");
    assertThat(Position.of((org.yaml.snakeyaml.error.Mark) null)).isNull();
  }

  @Test
  void anEmptyDocumentHasNoRoot() throws YamlSyntaxException {
    assertThat(YamlTree.compose("")).isNull();
    assertThat(YamlTree.compose("# only a comment\n")).isNull();
  }

  @Test
  void textThatIsNotYamlSaysWhereAndWhat() {
    assertThatThrownBy(() -> YamlTree.compose("server:\n  grpc_port: [4317\n"))
        .isInstanceOfSatisfying(YamlSyntaxException.class, e -> {
          assertThat(e.position()).contains(new Position(3, 1));
          assertThat(e.problem()).isNotBlank();
          assertThat(e.problemInContext()).startsWith("while parsing a flow sequence; ")
              .endsWith(e.problem());
        });
  }

  @Test
  void mappingKeysAreReadOnceInFileOrderAndTheOthersReported() throws YamlSyntaxException {
    MappingNode root = mapping("b: 1\na: 2\nb: 3\n[x]: 4\n~: 5\nc: 6\n");
    List<String> said = new ArrayList<>();
    MappingKeys.KeyProblems problems =
        new MappingKeys.KeyProblems() {
          @Override
          public void notAName(Node key) {
            said.add("not a name at " + Position.of(key).line());
          }

          @Override
          public void repeated(ScalarNode key, ScalarNode first) {
            said.add(key.getValue() + " again at " + Position.of(key).line()
                + ", first at " + Position.of(first).line());
          }
        };

    List<MappingKeys.Entry> entries = MappingKeys.entries(root, problems);

    assertThat(entries).extracting(MappingKeys.Entry::name).containsExactly("b", "a", "c");
    assertThat(entries).extracting(e -> Scalars.text(e.value())).containsExactly("1", "2", "6");
    assertThat(said)
        .containsExactly("b again at 3, first at 1", "not a name at 4", "not a name at 5");
    assertThat(Scalars.text(MappingKeys.value(root, "b"))).isEqualTo("1");
    assertThat(MappingKeys.value(root, "absent")).isNull();
  }

  @Test
  void numbersAreReadExactlyInEveryYamlSpelling() throws YamlSyntaxException {
    assertThat(Scalars.number(value("0.5"))).isEqualByComparingTo("0.5");
    assertThat(Scalars.number(value("1_000"))).isEqualByComparingTo("1000");
    assertThat(Scalars.number(value("0x1F"))).isEqualByComparingTo(BigDecimal.valueOf(31));
    assertThat(Scalars.number(value("-3"))).isEqualByComparingTo("-3");
    assertThat(Scalars.isNumber(value(".inf"))).isTrue();
    assertThat(Scalars.number(value(".inf"))).isNull();
    assertThat(Scalars.number(value("'12'"))).isNull();
    assertThat(Scalars.number(value("ten"))).isNull();
    assertThat(Scalars.number(value("[1]"))).isNull();
  }

  @Test
  void booleansAreYaml11Words() throws YamlSyntaxException {
    assertThat(Scalars.bool(value("true"))).isTrue();
    assertThat(Scalars.bool(value("Yes"))).isTrue();
    assertThat(Scalars.bool(value("off"))).isFalse();
    assertThat(Scalars.bool(value("'true'"))).isNull();
    assertThat(Scalars.bool(value("1"))).isNull();
  }

  @Test
  void wholeNumbersWithinBounds() {
    assertThat(Scalars.wholeNumber("4317", 0, 65_535)).isEqualTo(4317);
    assertThat(Scalars.wholeNumber("65_535", 0, 65_535)).isEqualTo(65_535);
    assertThat(Scalars.wholeNumber("70000", 0, 65_535)).isNull();
    assertThat(Scalars.wholeNumber("-1", 0, 65_535)).isNull();
    assertThat(Scalars.wholeNumber("1.5", 0, 65_535)).isNull();
    assertThat(Scalars.wholeNumber("fast", 0, 65_535)).isNull();
  }

  @Test
  void nodesAreDescribedForMessages() throws YamlSyntaxException {
    assertThat(Scalars.describe(value("{a: 1}"))).isEqualTo("a mapping");
    assertThat(Scalars.describe(value("[a]"))).isEqualTo("a list");
    assertThat(Scalars.describe(value("~"))).isEqualTo("nothing");
    assertThat(Scalars.describe(value(""))).isEqualTo("nothing");
    assertThat(Scalars.describe(value("12"))).isEqualTo("number 12");
    assertThat(Scalars.describe(value("no"))).isEqualTo("boolean no");
    assertThat(Scalars.describe(value("fast"))).isEqualTo("text 'fast'");
    assertThat(Scalars.kind(value("{a: 1}"))).isEqualTo("mapping");
    assertThat(Scalars.kind(value("[a]"))).isEqualTo("list");
    assertThat(Scalars.kind(value("a"))).isEqualTo("value");
    assertThat(Scalars.isNull(value(""))).isTrue();
    assertThat(Scalars.isNull(value("null"))).isTrue();
    assertThat(Scalars.isNull(value("'~'"))).isFalse();
    assertThat(Scalars.text(value("42"))).isEqualTo("42");
    assertThat(Scalars.text(value("[a]"))).isNull();
    assertThat(value("[a]")).isInstanceOf(SequenceNode.class);
  }
}

package io.tailkeep.yaml;

import java.io.StringReader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/** YAML text to its node tree, without constructing any Java objects from it. */
public final class YamlTree {

  private YamlTree() {}

  /** The document's root node, or null for a document with nothing in it. */
  public static Node compose(String yaml) throws YamlSyntaxException {
    try {
      return new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
    } catch (MarkedYAMLException e) {
      Position at = Position.of(e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark());
      throw new YamlSyntaxException(at, e.getProblem(), e.getContext());
    } catch (YAMLException e) {
      throw new YamlSyntaxException(null, e.getMessage(), null);
    }
  }
}

package io.tailkeep.sampler.rules;

/** The span facts a text condition can read. */
enum TextField {
  SERVICE("service"),
  SPAN_NAME("span_name");

  final String yamlName;

  TextField(String yamlName) {
    this.yamlName = yamlName;
  }
}

package io.tailkeep.sampler.rules;

/** Which spans a condition looks at: the root span only, or any span of the trace. */
enum Scope {
  ROOT("root"),
  ANY("any");

  final String yamlName;

  Scope(String yamlName) {
    this.yamlName = yamlName;
  }
}

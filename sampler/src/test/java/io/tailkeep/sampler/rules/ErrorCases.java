package io.tailkeep.sampler.rules;

import java.util.LinkedHashMap;
import java.util.Map;

/** Bad rules files, one mistake each, shared by the error message tests. */
final class ErrorCases {

  private ErrorCases() {}

  /** A file with one rule whose condition list holds just this condition. */
  static String withCondition(String condition) {
    return """
        rules:
          - name: r
            conditions:
              - %s
            keep: {}
        """.formatted(condition);
  }

  static String withKeep(String keep) {
    return """
        rules:
          - name: r
            keep: %s
        """.formatted(keep);
  }

  static Map<String, String> all() {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("yaml syntax", "rules:\n  - name: a\n    keep: {\n");
    cases.put("tab indentation", "rules:\n\t- name: a\n");
    cases.put("two documents", "rules: []\n---\nrules: []\n");
    cases.put("empty file", "");
    cases.put("only comments", "# nothing here\n");
    cases.put("top level is a list", "- name: a\n");
    cases.put("unknown top-level key", "version: 1\nrule:\n  - name: a\n");
    cases.put("missing rules", "version: 1\ndefault: drop\n");
    cases.put("unsupported version", "version: 2\nrules: []\n");
    cases.put("version not a number", "version: one\nrules: []\n");
    cases.put("bad default", "default: maybe\nrules: []\n");
    cases.put("rules not a list", "rules: {name: a}\n");
    cases.put("rules empty value", "rules:\n");
    cases.put("rule not a mapping", "rules:\n  - keep-errors\n");
    cases.put("rule without name", "rules:\n  - keep: {}\n");
    cases.put("blank rule name", "rules:\n  - name: ' '\n    keep: {}\n");
    cases.put("rule name a list", "rules:\n  - name: [a]\n    keep: {}\n");
    cases.put(
        "duplicate rule name",
        "rules:\n  - name: a\n    conditions: [error: true]\n    keep: {}\n  - name: a\n    drop: {}\n");
    cases.put("unknown rule key", "rules:\n  - name: a\n    macth: any\n    keep: {}\n");
    cases.put("duplicate key", "rules:\n  - name: a\n    keep: {}\n    name: b\n");
    cases.put("bad match", "rules:\n  - name: a\n    match: either\n    keep: {}\n");
    cases.put("keep and drop", "rules:\n  - name: a\n    keep: {}\n    drop: {}\n");
    cases.put("no action", "rules:\n  - name: a\n    conditions: []\n");
    cases.put("keep not a mapping", withKeep("yes"));
    cases.put("percent too big", withKeep("{percent: 150}"));
    cases.put("percent negative", withKeep("{percent: -1}"));
    cases.put("percent not a number", withKeep("{percent: ten}"));
    cases.put("percent quoted", withKeep("{percent: \"10\"}"));
    cases.put("unknown keep key", withKeep("{percentage: 10}"));
    cases.put("rate zero", withKeep("{max_traces_per_second: 0}"));
    cases.put("drop with settings", "rules:\n  - name: a\n    drop: {percent: 10}\n");
    cases.put("drop not a mapping", "rules:\n  - name: a\n    drop: all\n");
    cases.put("conditions not a list", "rules:\n  - name: a\n    conditions: {error: true}\n    keep: {}\n");
    cases.put("conditions empty value", "rules:\n  - name: a\n    conditions:\n    keep: {}\n");
    cases.put("condition not a mapping", withCondition("error"));
    cases.put("condition with two keys", withCondition("{error: true, service: a}"));
    cases.put("empty condition", withCondition("{}"));
    cases.put("unknown condition", withCondition("errors: true"));
    cases.put("error not a boolean", withCondition("error: maybe"));
    cases.put("duration scalar", withCondition("duration: 500ms"));
    cases.put("duration without unit", withCondition("duration: {of: root, gte: 500}"));
    cases.put("duration bad text", withCondition("duration: {of: root, gte: 500 ms}"));
    cases.put("duration unknown operator", withCondition("duration: {of: root, equals: 1s}"));
    cases.put("duration no operator", withCondition("duration: {of: root}"));
    cases.put("duration two operators", withCondition("duration: {gte: 1s, lt: 2s}"));
    cases.put("bad scope", withCondition("duration: {of: first, gte: 1s}"));
    cases.put("attribute unknown operator", withCondition("attribute: {key: http.route, equal: /a}"));
    cases.put("attribute without key", withCondition("attribute: {equals: /a}"));
    cases.put("attribute key and prefix", withCondition("attribute: {key: a, key_prefix: b, exists: true}"));
    cases.put("attribute empty key", withCondition("attribute: {key: '', exists: true}"));
    cases.put("attribute bad regex", withCondition("attribute: {key: http.route, regex: '/a('}"));
    // Rule regexes are RE2 (linear time): no lookaround, no backreferences.
    cases.put("attribute regex lookahead", withCondition("attribute: {key: http.route, regex: 'a(?=b)'}"));
    cases.put("reserved rule name", "rules:\n  - name: rules_failed\n    keep: {}\n");
    cases.put("attribute in not a list", withCondition("attribute: {key: http.route, in: /a}"));
    cases.put("attribute in empty", withCondition("attribute: {key: http.route, in: []}"));
    cases.put("attribute gt text", withCondition("attribute: {key: size, gt: big}"));
    cases.put("attribute exists text", withCondition("attribute: {key: a, exists: sure}"));
    cases.put("attribute equals list", withCondition("attribute: {key: a, equals: [1, 2]}"));
    cases.put("service unknown operator", withCondition("service: {startswith: pay}"));
    cases.put("service bad regex", withCondition("service: {regex: '[pay'}"));
    cases.put("service list", withCondition("service: [a, b]"));
    cases.put("span_name exists", withCondition("span_name: {exists: true}"));
    cases.put("unknown span kind", withCondition("span_kind: serverr"));
    cases.put("unknown span kind in list", withCondition("span_kind: {in: [server, clent]}"));
    cases.put("span_count negative", withCondition("span_count: {gte: -1}"));
    cases.put("span_count fraction", withCondition("span_count: {gte: 1.5}"));
    cases.put("span_count of", withCondition("span_count: {of: root, gte: 1}"));
    cases.put("not wrapping a bad condition", withCondition("not: {errors: true}"));
    cases.put(
        "unreachable rule",
        "rules:\n  - name: everything\n    keep: {percent: 1}\n  - name: never\n    conditions: [error: true]\n    keep: {}\n");
    return cases;
  }
}

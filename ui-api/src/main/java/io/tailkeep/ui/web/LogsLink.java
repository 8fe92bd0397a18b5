package io.tailkeep.ui.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A link from a span to the user's logs for its trace, as Jaeger UI's link patterns give: a URL
 * template whose placeholders the page fills in, each value URL-encoded. Teams find a request's
 * logs by its {@code trace_id}; Grafana Explore and Loki also want the time range.
 *
 * <p>Placeholders: {@code {traceId}}, {@code {spanId}}, {@code {service}} (the span's), {@code
 * {startMs}} and {@code {endMs}} (the trace's start and end, epoch milliseconds, as Grafana's
 * {@code from} and {@code to} take them), {@code {startIso}} and {@code {endIso}} (the same as
 * RFC 3339 text).
 *
 * @param name the link's text on the page
 * @param template an absolute http(s) URL with placeholders
 */
public record LogsLink(String name, String template) {

  public static final List<String> PLACEHOLDERS =
      List.of("traceId", "spanId", "service", "startMs", "endMs", "startIso", "endIso");
  public static final String DEFAULT_NAME = "Logs for this trace";

  /** Only a word in braces is a placeholder: other braces (a LogQL selector) are the URL's own. */
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");
  private static final Pattern ABSOLUTE_HTTP = Pattern.compile("https?://[^/?#\\s{}]+([/?#].*)?");

  public LogsLink {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(template, "template");
    List<String> problems = problems(template);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    if (name.isBlank()) {
      throw new IllegalArgumentException("the link's name must not be blank");
    }
  }

  /** What is wrong with a template, each problem a sentence naming it; empty when it is fine. */
  public static List<String> problems(String template) {
    List<String> problems = new ArrayList<>();
    Matcher placeholders = PLACEHOLDER.matcher(template);
    while (placeholders.find()) {
      String name = placeholders.group(1);
      if (!PLACEHOLDERS.contains(name)) {
        problems.add("unknown placeholder {" + name + "} (known: "
            + String.join(", ", PLACEHOLDERS.stream().map(p -> "{" + p + "}").toList()) + ")");
      }
    }
    // Browsers take the rest as it is (they encode what needs it): only the scheme and host matter.
    if (!ABSOLUTE_HTTP.matcher(template).matches()) {
      problems.add("must be an absolute http or https URL, got '" + template + "'");
    }
    return problems;
  }
}

package io.tailkeep.deploy.demo;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * The demo's command-line options, checked as they are read: a bad one fails with a message that
 * names the option and the value.
 */
record DemoOptions(Protocol protocol, URI endpoint, URI api, int traces, long seed) {

  /** The OTLP transports, by their {@code OTEL_EXPORTER_OTLP_PROTOCOL} names. */
  enum Protocol {
    GRPC("grpc", 4317),
    HTTP_PROTOBUF("http/protobuf", 4318);

    final String flagValue;
    final int defaultPort;

    Protocol(String flagValue, int defaultPort) {
      this.flagValue = flagValue;
      this.defaultPort = defaultPort;
    }
  }

  static final int DEFAULT_TRACES = 300;
  static final int MAX_TRACES = 100_000;
  static final int DEFAULT_API_PORT = 16686;

  static DemoOptions parse(List<String> args) {
    Protocol protocol = Protocol.GRPC;
    String endpoint = null;
    String api = null;
    int traces = DEFAULT_TRACES;
    // A new plan each run unless asked; trace IDs are always new (the SDK's random IDs), so
    // sending the same seed twice never collides with traces already decided.
    long seed = System.nanoTime();
    for (int i = 0; i < args.size(); i++) {
      String flag = args.get(i);
      if (!List.of("--endpoint", "--protocol", "--api", "--traces", "--seed").contains(flag)) {
        throw new IllegalArgumentException("unknown option '" + flag + "'");
      }
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = args.get(++i);
      switch (flag) {
        case "--endpoint" -> endpoint = value;
        case "--protocol" -> protocol = protocol(value);
        case "--api" -> api = value;
        case "--traces" -> traces = traces(value);
        default -> seed = seed(value);
      }
    }
    URI endpointUri =
        endpoint == null
            ? URI.create("http://localhost:" + protocol.defaultPort)
            : url("--endpoint", endpoint, protocol.defaultPort);
    URI apiUri =
        api == null
            ? URI.create("http://" + endpointUri.getHost() + ":" + DEFAULT_API_PORT)
            : url("--api", api, DEFAULT_API_PORT);
    return new DemoOptions(protocol, endpointUri, apiUri, traces, seed);
  }

  /** Where the OTLP/HTTP exporter posts: the endpoint's {@code /v1/traces}. */
  String httpTracesUrl() {
    return endpoint + "/v1/traces";
  }

  /** {@code host:port} of the endpoint, for messages. */
  String endpointAddress() {
    return endpoint.getHost() + ":" + endpoint.getPort();
  }

  private static Protocol protocol(String value) {
    for (Protocol protocol : Protocol.values()) {
      if (protocol.flagValue.equals(value.toLowerCase(Locale.ROOT))) {
        return protocol;
      }
    }
    throw new IllegalArgumentException(
        "--protocol must be grpc or http/protobuf, got '" + value + "'");
  }

  private static int traces(String value) {
    try {
      int traces = Integer.parseInt(value);
      if (traces >= DemoTraffic.MIN_TRACES && traces <= MAX_TRACES) {
        return traces;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "--traces must be a number from " + DemoTraffic.MIN_TRACES + " to " + MAX_TRACES
            + ", got '" + value + "'");
  }

  private static long seed(String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--seed must be a whole number, got '" + value + "'");
    }
  }

  /** An http(s) URL with a host and nothing after the port; the port defaults to {@code port}. */
  private static URI url(String flag, String value, int port) {
    String example = "http://localhost:" + port;
    URI uri;
    try {
      uri = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
    } catch (URISyntaxException e) {
      uri = null;
    }
    boolean valid =
        uri != null
            && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
            && uri.getHost() != null
            && uri.getPort() <= 65_535
            && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
            && uri.getRawQuery() == null
            && uri.getRawFragment() == null
            && uri.getUserInfo() == null;
    if (!valid) {
      throw new IllegalArgumentException(
          flag + " must be a URL like " + example + ", got '" + value + "'");
    }
    int actualPort = uri.getPort() < 0 ? port : uri.getPort();
    return URI.create(uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost() + ":" + actualPort);
  }
}

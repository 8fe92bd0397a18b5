package io.tailkeep.deploy.demo;

import io.tailkeep.deploy.CommandLines;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The demo's command-line options. Picocli converts each value with the converters here, which
 * name what a good value is; the URLs are checked once all options are read, since their default
 * port depends on {@code --protocol}.
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

  /**
   * @param endpoint the {@code --endpoint} given, or null for localhost on the protocol's port
   * @param api the {@code --api} given, or null for the endpoint's host on port 16686
   * @throws IllegalArgumentException naming the option and the value of a bad URL
   */
  static DemoOptions of(Protocol protocol, String endpoint, String api, int traces, long seed) {
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

  /** {@code --protocol}: {@code grpc} or {@code http/protobuf}, in any case. */
  static final class ProtocolName implements ITypeConverter<Protocol> {
    @Override
    public Protocol convert(String value) {
      for (Protocol protocol : Protocol.values()) {
        if (protocol.flagValue.equals(value.toLowerCase(Locale.ROOT))) {
          return protocol;
        }
      }
      throw new TypeConversionException("must be grpc or http/protobuf");
    }
  }

  /** {@code --traces}: enough for every kind of trace, few enough to send in a while. */
  static final class TraceCount extends CommandLines.Count {
    TraceCount() {
      super("a number", DemoTraffic.MIN_TRACES, MAX_TRACES);
    }
  }

  /** {@code --seed}: any long, in decimal. */
  static final class Seed implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new TypeConversionException("must be a whole number");
      }
    }
  }
}

package io.tailkeep.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.store.TraceId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzzing the API port: every endpoint with random paths and query strings (unknown and repeated
 * parameters, empty, huge, negative and non-numeric values, broken percent-escapes, control
 * characters, IDs of every length). Requests go over a plain socket so that even what a URI class
 * would refuse reaches the server. No answer is a server error or shows a stack trace, and nothing
 * is logged as an error. Fixed seed; jqwik prints it with the failing sample.
 */
class QueryFuzzTest {

  private static final String KEYSPACE = "fuzz_query";

  /** Every route of the API port, with {@code {}} where a path parameter goes. */
  private static final List<String> ROUTES = List.of(
      "/api/v1/traces", "/api/v1/traces/{}", "/api/v1/services", "/api/v1/services/{}/operations",
      "/api/services", "/api/services/{}/operations", "/api/operations", "/api/traces", "/api/traces/{}",
      "/api/v3/traces/{}", "/api/v1/sampling/rules", "/api/v1/sampling/why/{}", "/api/v1/sampling/partitions",
      "/", "/search", "/sampling", "/trace/{}", "/static/{}", "/metrics", "/health/live", "/health/ready");

  private static final List<String> PARAMETERS = List.of(
      "service", "operation", "tags", "tag", "minDuration", "maxDuration", "start", "end", "limit", "lookback",
      "sort", "traceID", "spanKind", "pageToken", "duration", "filters", "custom", "error", "x");

  private static final List<String> NASTY = List.of(
      "", "0", "-1", "1", "20", "99999999999999999999999", "-9223372036854775808", "NaN", "1e309", "1.5",
      "10ms", "-5s", "1h", "99999h", "5x", "ms", "%", "%zz", "%FF%FE", "%00", "%0A%0D", "%C3%28", "%E2%82",
      "%7B%22a%22%3A1%7D", "[]", "{}", "null", "true", "%22", "..%2F..%2Fetc%2Fpasswd", "0123456789abcdef",
      "00000000000000000000000000000000", "ffffffffffffffffffffffffffffffff", "g".repeat(32), "checkout",
      "error%3Dtrue", "http.route%3D%2Fa+b", "a%3D", "%3D", "%F0%9F%98%80", "+");

  private static TailkeepServer server;
  private static LogErrors logErrors;
  private static TraceId stored;

  @BeforeContainer
  static void start() throws Exception {
    logErrors = LogErrors.capture();
    server = TestServers.start(
        TestServers.builder(TestStores.open(KEYSPACE), TestServers.QUICK_DECISIONS, TestServers.QUICK_RETRIES));
    // Something to find: one stored error trace, so reads go through real rows.
    try (OtelServices apps = OtelServices.exportingTo(OtelServices.Transport.GRPC, server.grpcPort())) {
      SentTrace error = apps.send("fuzz", TraceShapes.errorStatus());
      apps.flush();
      stored = error.traceId();
      new StoredTraces(server.store().reader()).awaitComplete(error, Duration.ofSeconds(60));
    }
  }

  @AfterContainer
  static void nothingWasLoggedAsAnError() {
    try {
      server.close();
      assertThat(logErrors.errors()).as("errors logged while fuzzing").isEmpty();
    } finally {
      logErrors.close();
    }
  }

  @Property(tries = 400, seed = "20261204")
  void noQueryGetsAServerErrorOrAStackTrace(@ForAll long seed) throws IOException {
    Random random = new Random(seed);
    String target = target(random);

    Answer answer = get(target);

    Statistics.label("status").collect(answer.status() / 100 + "xx");
    assertThat(answer.status()).as("status of GET %s", target).isBetween(200, 499);
    assertThat(answer.body()).as("body of GET %s", target)
        .doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("Caused by");
  }

  private static String target(Random random) {
    String route = ROUTES.get(random.nextInt(ROUTES.size()));
    StringBuilder target = new StringBuilder(route.replace("{}", pathValue(random)));
    int parameters = random.nextInt(6);
    for (int i = 0; i < parameters; i++) {
      target.append(i == 0 ? '?' : '&');
      target.append(random.nextInt(10) == 0 ? value(random) : PARAMETERS.get(random.nextInt(PARAMETERS.size())));
      if (random.nextInt(8) != 0) {
        target.append('=').append(value(random));
      }
    }
    return target.toString();
  }

  private static String pathValue(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> stored.toHex();
      case 1 -> stored.toHex().substring(0, random.nextInt(33));
      default -> value(random);
    };
  }

  private static String value(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> "a".repeat(1 + random.nextInt(20_000));
      case 1 -> Long.toString(random.nextLong());
      case 2 -> NASTY.get(random.nextInt(NASTY.size())) + NASTY.get(random.nextInt(NASTY.size()));
      default -> NASTY.get(random.nextInt(NASTY.size()));
    };
  }

  private record Answer(int status, String body) {}

  /** GET over a plain socket: the target's bytes go out as they are. */
  private static Answer get(String target) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", server.apiPort()), 5_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.UTF_8));
      out.flush();
      String response;
      try {
        response = readAll(socket.getInputStream());
      } catch (SocketTimeoutException e) {
        throw new AssertionError("no answer within 30 s to GET " + target, e);
      }
      assertThat(response).as("an HTTP answer to GET %s", target).startsWith("HTTP/1.");
      int status = Integer.parseInt(response.substring(9, 12));
      int bodyAt = response.indexOf("\r\n\r\n");
      return new Answer(status, bodyAt < 0 ? "" : response.substring(bodyAt + 4));
    }
  }

  private static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    in.transferTo(bytes);
    return bytes.toString(StandardCharsets.UTF_8);
  }
}

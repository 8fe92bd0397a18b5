package io.tailkeep.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One HTTP/1.1 connection's worth of client for the query benchmark: a request at a time, timed
 * from sending until the whole body has arrived. Parsing and checking the answer are left to the
 * caller, outside the time.
 */
final class ApiClient {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** An answer and how long it took; {@link #fail} ends the benchmark with what came back. */
  record Response(String target, int status, byte[] body, long nanos) {

    JsonObject json() {
      if (status != 200) {
        fail("status " + status);
      }
      return new JsonObject(new String(body, StandardCharsets.UTF_8));
    }

    void fail(String why) {
      String text = new String(body, StandardCharsets.UTF_8);
      throw new IllegalStateException("GET " + target + ": " + why + "; status " + status + ", answer "
          + (text.length() > 300 ? text.substring(0, 300) + "..." : text));
    }
  }

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
  private final String base;

  ApiClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** {@code target} is the path and query, already escaped. */
  Response get(String target) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + target)).timeout(TIMEOUT).GET().build();
    long start = System.nanoTime();
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    long nanos = System.nanoTime() - start;
    return new Response(target, response.statusCode(), response.body(), nanos);
  }
}

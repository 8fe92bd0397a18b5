package io.tailkeep.query;

import io.tailkeep.store.SpanReader;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/** The query API on a real Vert.x HTTP server on a free port, and a client for it. */
final class ApiServer implements AutoCloseable {
  private final Vertx vertx;
  private final HttpServer server;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** @param retryAfter the {@code Retry-After} header, or null */
  /** {@code contentLength} is null for an answer sent in chunks, without a length up front. */
  record Response(int status, String contentType, String body, String retryAfter, Long contentLength) {
    JsonObject json() {
      return new JsonObject(body);
    }

    JsonObject error() {
      return json().getJsonObject("error");
    }
  }

  ApiServer(SpanReader reader, QueryApiOptions options) {
    this(router -> QueryApi.mount(router, reader, options));
  }

  /** A server with the routes {@code mount} adds (another API of the module, say). */
  ApiServer(Consumer<Router> mount) {
    this.vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    mount.accept(router);
    this.server = vertx.createHttpServer(ApiJson.serverOptions()).requestHandler(router).listen(0).await();
  }

  /** {@code pathAndQuery} as sent: escape what needs escaping. */
  Response get(String pathAndQuery) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + pathAndQuery))
            .timeout(Duration.ofSeconds(60))
            .GET()
            .build();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(
          response.statusCode(),
          response.headers().firstValue("content-type").orElse(""),
          response.body(),
          response.headers().firstValue("retry-after").orElse(null),
          response.headers().firstValue("content-length").map(Long::valueOf).orElse(null));
    } catch (IOException e) {
      throw new IllegalStateException("GET " + pathAndQuery + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends the request line as is, for what {@link java.net.URI} refuses (malformed escapes). */
  Response getRaw(String pathAndQuery) {
    try (Socket socket = new Socket("127.0.0.1", server.actualPort())) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int headerEnd = response.indexOf("\r\n\r\n");
      String head = response.substring(0, headerEnd);
      int status = Integer.parseInt(head.split(" ", 3)[1]);
      String contentType =
          head.lines()
              .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-type:"))
              .map(l -> l.substring("content-type:".length()).strip())
              .findFirst()
              .orElse("");
      String retryAfter =
          head.lines()
              .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("retry-after:"))
              .map(l -> l.substring("retry-after:".length()).strip())
              .findFirst()
              .orElse(null);
      return new Response(status, contentType, response.substring(headerEnd + 4), retryAfter, null);
    } catch (IOException e) {
      throw new IllegalStateException("GET " + pathAndQuery + " failed", e);
    }
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}

package io.tailkeep.ui.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.query.ApiJson;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** A Vert.x HTTP server on a free port with the routes a test mounts, and a client for it. */
public final class TestServer implements AutoCloseable {

  private final Vertx vertx;
  private final HttpServer server;
  private final WebClient client;

  private TestServer(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
    this.client = WebClient.create(vertx);
  }

  public static TestServer start(Consumer<Router> mount) {
    Vertx vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    mount.accept(router);
    HttpServer server =
        vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    return new TestServer(vertx, server);
  }

  /** {@code http://127.0.0.1:port}, for clients other than this one (a browser). */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** GET {@code path} with query parameters given as name, value, name, value... (encoded here). */
  public HttpResponse<Buffer> get(String path, String... nameValues) {
    HttpRequest<Buffer> request = client.get(server.actualPort(), "127.0.0.1", path);
    for (int i = 0; i < nameValues.length; i += 2) {
      request.addQueryParam(nameValues[i], nameValues[i + 1]);
    }
    return await(request);
  }

  /** GET {@code uri} with an {@code If-None-Match} header, as a browser revalidating its cache. */
  public HttpResponse<Buffer> getIfNoneMatch(String uri, String etag) {
    return await(
        client.get(server.actualPort(), "127.0.0.1", uri).putHeader("If-None-Match", etag));
  }

  /** {@code method} on {@code path} with {@code body} (none when null). */
  public HttpResponse<Buffer> send(HttpMethod method, String path, byte[] body) {
    HttpRequest<Buffer> request = client.request(method, server.actualPort(), "127.0.0.1", path);
    try {
      return (body == null ? request.send() : request.sendBuffer(Buffer.buffer(body))).await(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within 30 s", e);
    }
  }

  /** GET a raw, already encoded URI: for malformed input a client library would refuse to send. */
  public HttpResponse<Buffer> getRaw(String uri) {
    return await(client.get(server.actualPort(), "127.0.0.1", uri));
  }

  private static HttpResponse<Buffer> await(HttpRequest<Buffer> request) {
    try {
      return request.send().await(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within 30 s", e);
    }
  }

  /** The JSON body of a response that must have {@code status}. */
  public static JsonObject json(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo(ApiJson.CONTENT_TYPE);
    return response.bodyAsJsonObject();
  }

  @Override
  public void close() {
    client.close();
    vertx.close().await();
  }
}

package io.tailkeep.query;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * How Tailkeep's own APIs on the API port answer (the query API, the sampling API, health and the
 * router's 404/405): JSON in UTF-8, and every error as {@code {"error":{"status":400,
 * "parameter":"limit","value":"0","message":"..."}}} (parameter and value when one was at fault).
 * The Jaeger API answers in Jaeger's envelope instead, as its clients expect.
 */
public final class ApiJson {

  public static final String CONTENT_TYPE = "application/json; charset=utf-8";

  private ApiJson() {}

  /**
   * The API port's server options: HTTP/1.1 in clear text, as Jaeger's and Tempo's query APIs
   * speak. A client asking to upgrade to HTTP/2 (h2c; Java's HttpClient by default) stays on
   * HTTP/1.1: about one upgraded connection in a hundred delivered a large answer broken (the
   * client read body bytes as an HTTP/2 frame).
   */
  public static HttpServerOptions serverOptions() {
    return new HttpServerOptions().setHttp2ClearTextEnabled(false);
  }

  /** The error body, naming no parameter. */
  public static JsonObject error(int status, String message) {
    return error(status, message, null, null);
  }

  /** The error body; {@code parameter} null when no one parameter was at fault. */
  public static JsonObject error(int status, String message, String parameter, String value) {
    JsonObject error = new JsonObject().put("status", status);
    if (parameter != null) {
      error.put("parameter", parameter).put("value", value);
    }
    return new JsonObject().put("error", error.put("message", message));
  }

  public static void send(HttpServerResponse response, int status, JsonObject body) {
    send(response, status, body.toBuffer());
  }

  /** Answers unless an answer was already sent (a timeout and a late result can race). */
  public static void send(HttpServerResponse response, int status, Buffer body) {
    if (response.ended()) {
      return;
    }
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE).end(body);
  }
}

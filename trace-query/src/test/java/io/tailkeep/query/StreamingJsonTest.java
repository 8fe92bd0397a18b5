package io.tailkeep.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Answers streamed from a worker thread, as the trace view sends them, through a real server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamingJsonTest {
  /** Enough entries for several chunks. */
  private static final int BIG = 20_000;

  private Vertx vertx;
  private HttpServer server;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    server =
        vertx
            .createHttpServer(ApiJson.serverOptions())
            .requestHandler(
                request -> {
                  Context context = vertx.getOrCreateContext();
                  String path = request.path();
                  vertx
                      .executeBlocking(
                          () -> {
                            StreamingJson.stream(
                                context,
                                request.response(),
                                false,
                                json -> {
                                  json.writeStartObject();
                                  json.writeArrayFieldStart("entries");
                                  int entries = path.equals("/small") ? 3 : BIG;
                                  int failAt =
                                      path.equals("/fails-early") ? 1 : path.equals("/fails-late") ? BIG / 2 : -1;
                                  for (int i = 0; i < entries; i++) {
                                    if (i == failAt) {
                                      throw new IllegalStateException("broken at entry " + i);
                                    }
                                    json.writeString("entry number " + i);
                                  }
                                  json.writeEndArray();
                                  json.writeEndObject();
                                });
                            return null;
                          },
                          false)
                      .onFailure(
                          error -> request.response().setStatusCode(500).end("caller's answer: " + error.getMessage()));
                })
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aBigAnswerArrivesWholeInChunksAndASmallOneWithItsLength() throws Exception {
    HttpResponse<String> big = get("/big");
    assertThat(big.statusCode()).isEqualTo(200);
    assertThat(big.headers().firstValue("content-type")).hasValue(ApiJson.CONTENT_TYPE);
    assertThat(big.headers().firstValue("content-length")).isEmpty();
    assertThat(big.body().length()).isGreaterThan(3 * StreamingJson.CHUNK_BYTES);
    assertThat(new JsonObject(big.body()).getJsonArray("entries")).hasSize(BIG);

    HttpResponse<String> small = get("/small");
    assertThat(small.statusCode()).isEqualTo(200);
    assertThat(small.headers().firstValue("content-length")).hasValue(Integer.toString(small.body().length()));
    assertThat(new JsonObject(small.body()).getJsonArray("entries")).hasSize(3);
  }

  @Test
  void aFailureBeforeTheFirstChunkLeavesTheAnswerToTheCaller() throws Exception {
    HttpResponse<String> response = get("/fails-early");
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).isEqualTo("caller's answer: broken at entry 1");
  }

  @Test
  void aFailureAfterAChunkWentOutBreaksTheConnectionInsteadOfEndingAShortAnswer() {
    assertThatThrownBy(() -> get("/fails-late")).isInstanceOf(IOException.class);
  }
}

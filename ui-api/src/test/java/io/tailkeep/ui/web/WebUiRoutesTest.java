package io.tailkeep.ui.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.ui.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The UI's routes over HTTP, beside routes of other APIs on the same router; no browser. */
class WebUiRoutesTest {

  private final TestServer server =
      TestServer.start(
          router -> {
            WebUi.mount(router);
            // Mounted after the UI, as deploy may: these must still answer.
            router.get("/api/v1/services").handler(ctx -> ctx.end("api"));
            router.get("/metrics").handler(ctx -> ctx.end("metrics"));
            router.get("/health/live").handler(ctx -> ctx.end("live"));
          });

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void theRootRedirectsToSearch() {
    HttpResponse<Buffer> response = server.getRaw("/");
    // The web client follows redirects: it lands on the search page.
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.followedRedirects()).anySatisfy(url -> assertThat(url).endsWith("/search"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/search",
        "/search?service=checkout&tags=http.route%3A%2Fpay&lookback=1h&sort=duration",
        "/sampling",
        "/sampling?why=abc",
        "/map",
        "/map?lookback=6h",
        "/trace/4bf92f3577b34da6a3ce929d0e0e4736",
        "/trace/not-a-trace-id"
      })
  void everyPageIsTheHtmlShellWithAStrictContentSecurityPolicy(String path) {
    HttpResponse<Buffer> response = server.getRaw(path);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("text/html; charset=utf-8");
    assertThat(response.getHeader("Content-Security-Policy")).contains("script-src 'self'");
    assertThat(response.getHeader("Cache-Control")).isEqualTo("no-cache");
    assertThat(response.bodyAsString()).contains("<script type=\"module\" src=\"/static/app.js\">");
  }

  @Test
  void everyListedAssetIsServedWithItsTypeAndRevalidatedByEtag() {
    for (String name : WebUi.ASSETS) {
      HttpResponse<Buffer> response = server.getRaw("/static/" + name);
      assertThat(response.statusCode()).as(name).isEqualTo(200);
      assertThat(response.getHeader("Content-Type"))
          .as(name)
          .startsWith(name.endsWith(".css") ? "text/css" : "text/javascript");
      assertThat(response.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
      String etag = response.getHeader("ETag");
      assertThat(etag).as(name).matches("\"[0-9a-f]{32}\"");

      HttpResponse<Buffer> again = server.getIfNoneMatch("/static/" + name, etag);
      assertThat(again.statusCode()).as(name).isEqualTo(304);
      assertThat(again.body()).isNull();
    }
  }

  @Test
  void everyModuleImportedByAnotherIsServed() {
    for (String name : WebUi.ASSETS) {
      String text = server.getRaw("/static/" + name).bodyAsString();
      java.util.regex.Matcher imports =
          java.util.regex.Pattern.compile("from '\\./([^']+)'").matcher(text);
      while (imports.find()) {
        assertThat(WebUi.ASSETS).as("imported by " + name).contains(imports.group(1));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/static/nope.js",
        "/static/sub/app.js",
        "/trace/",
        "/trace/abc/def",
        "/search/more",
        "/sampling/x",
        "/map/x"
      })
  void unknownUiPathsAreAn404Page(String path) {
    HttpResponse<Buffer> response = server.getRaw(path);
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.getHeader("Content-Type")).isEqualTo("text/html; charset=utf-8");
    assertThat(response.bodyAsString()).contains("Page not found");
  }

  @Test
  void apiMetricsAndHealthPathsAreLeftToTheirOwners() {
    assertThat(server.getRaw("/api/v1/services").bodyAsString()).isEqualTo("api");
    assertThat(server.getRaw("/metrics").bodyAsString()).isEqualTo("metrics");
    assertThat(server.getRaw("/health/live").bodyAsString()).isEqualTo("live");
    HttpResponse<Buffer> unknownApi = server.getRaw("/api/v1/nothing");
    assertThat(unknownApi.statusCode()).isEqualTo(404);
    assertThat(unknownApi.bodyAsString()).doesNotContain("Page not found");
  }
}

package io.tailkeep.deploy.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tailkeep.collector.AccessCheck;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {

  static final String APP = "app-token-0123456789abcdef";
  static final String GRAFANA = "grafana-token-0123456789ab";
  static final String OPS = "ops-token-0123456789abcdef";

  static final String TOKENS =
      """
      - name: app
        token: %s
        roles: [ingest]
      - name: grafana
        token: %s
        roles: [read]
      - name: ops
        token: %s
        roles: [read, admin]
      """.formatted(APP, GRAFANA, OPS);

  @TempDir Path dir;

  @Test
  void aTokenIsItsEntrysUserWithItsRoles() throws Exception {
    TokenFile tokens = TokenFile.load(write(TOKENS));

    User ops = tokens.authenticate(new TokenCredentials(OPS)).await();
    User viaBasic = tokens.authenticate(new UsernamePasswordCredentials("whoever", GRAFANA)).await();

    assertThat(ops.subject()).isEqualTo("ops");
    assertThat(RoleBasedAuthorization.create("admin").match(ops)).isTrue();
    assertThat(RoleBasedAuthorization.create("read").match(ops)).isTrue();
    assertThat(RoleBasedAuthorization.create("ingest").match(ops)).isFalse();
    assertThat(viaBasic.subject()).isEqualTo("grafana");
    assertThat(tokens.authenticate(new TokenCredentials(APP + "x")).failed()).isTrue();
    assertThat(tokens.authenticate(new TokenCredentials(APP.substring(1))).failed()).isTrue();
    assertThat(tokens.authenticate(new TokenCredentials("")).failed()).isTrue();
    assertThat(tokens.describe()).contains("app [ingest]", "grafana [read]").doesNotContain(APP, GRAFANA);
  }

  @Test
  void theAccessCheckReadsBearerAndBasicHeaders() throws Exception {
    AccessCheck check = new AccessCheck(TokenFile.load(write(TOKENS)));

    assertThat(check.check("Bearer " + APP, "ingest").await().allowed()).isTrue();
    assertThat(check.check("bearer " + APP, "ingest").await().allowed()).isTrue();
    assertThat(check.check(basic("grafana", GRAFANA), "read").await().allowed()).isTrue();
    assertThat(check.check(basic("", GRAFANA), "read").await().allowed()).isTrue();
    assertThat(check.check(basic("grafana", GRAFANA), "admin").await().outcome())
        .isEqualTo(AccessCheck.Outcome.FORBIDDEN);
    assertThat(check.check("Bearer " + GRAFANA, "ingest").await().message())
        .isEqualTo("token 'grafana' does not have the 'ingest' role");
    for (String bad : new String[] {null, "", "Bearer", "Bearer ", "Token " + APP, "Basic !!!",
        "Basic " + Base64.getEncoder().encodeToString(APP.getBytes(StandardCharsets.UTF_8)),
        "Bearer " + APP.toUpperCase()}) {
      assertThat(check.check(bad, "ingest").await().outcome()).as(String.valueOf(bad))
          .isEqualTo(AccessCheck.Outcome.UNAUTHENTICATED);
    }
  }

  @Test
  void everyProblemOfABadFileIsNamedWithoutShowingAToken() throws Exception {
    Path file =
        write(
            """
            - name: app
              token: short
              roles: [ingest]
            - name: app
              token: secret-token-aaaaaaaaaaaa
              roles: [reed]
            - token: secret-token-aaaaaaaaaaaa
              roles: []
            - name: extra
              token: 1234567890123456789012
              roles: [read]
              scope: all
            - just text
            """);

    TokenFileException e = catchThrowableOfType(TokenFileException.class, () -> TokenFile.load(file));

    String f = file.toString();
    assertThat(e.problems())
        .containsExactly(
            f + ": entry 1 (app): token must be a text of at least 16 printable ASCII characters"
                + " without spaces (e.g. from 'openssl rand -hex 32'; quote it if YAML would read a number)",
            f + ": entry 2 (app): name appears twice",
            f + ": entry 2 (app): 'reed' is not a role; the roles are ingest, read, admin",
            f + ": entry 3: name must be a non-empty text",
            f + ": entry 3: roles must be a non-empty list of ingest, read, admin",
            f + ": entry 3: the same token as an earlier entry",
            f + ": entry 4 (extra): unknown key 'scope' (the keys are name, token, roles)",
            f + ": entry 4 (extra): token must be a text of at least 16 printable ASCII characters"
                + " without spaces (e.g. from 'openssl rand -hex 32'; quote it if YAML would read a number)",
            f + ": entry 5: must be a mapping with name, token and roles");
    assertThat(e.getMessage()).doesNotContain("secret-token", "short");
  }

  @Test
  void aMissingEmptyOrUnparsableFileIsRefused() throws Exception {
    Path missing = dir.resolve("missing.yaml");
    assertThat(catchThrowableOfType(TokenFileException.class, () -> TokenFile.load(missing)))
        .hasMessage("tokens file " + missing + " does not exist");
    Path empty = write("[]");
    assertThat(catchThrowableOfType(TokenFileException.class, () -> TokenFile.load(empty)))
        .hasMessageStartingWith(empty + ": must be a non-empty YAML list of {name, token, roles}");
    Path broken = write("- name: a\n  token: \"secret-token-unclosed\n  roles: [read]\n");
    assertThat(catchThrowableOfType(TokenFileException.class, () -> TokenFile.load(broken)))
        .hasMessageStartingWith(broken + ": not valid YAML at line")
        .message().doesNotContain("secret-token");
  }

  @Test
  void aChangedFileIsTakenABrokenOneKeepsTheOldTokensAndIsLoggedOnce() throws Exception {
    Path file = write(TOKENS);
    TokenFile tokens = TokenFile.load(file);
    try (LogCapture log = new LogCapture(TokenFile.class)) {
      assertThat(tokens.reloadIfChanged()).as("unchanged").isFalse();

      Files.writeString(file, "- {name: new, token: new-token-0123456789abc, roles: [ingest]}\n");
      assertThat(tokens.reloadIfChanged()).isTrue();
      assertThat(tokens.authenticate(new TokenCredentials("new-token-0123456789abc")).succeeded()).isTrue();
      assertThat(tokens.authenticate(new TokenCredentials(APP)).failed()).isTrue();

      Files.writeString(file, "- {name: broken, token: x, roles: [ingest]}\n");
      assertThat(tokens.reloadIfChanged()).isFalse();
      assertThat(tokens.reloadIfChanged()).isFalse();
      Files.delete(file);
      assertThat(tokens.reloadIfChanged()).isFalse();
      assertThat(tokens.reloadIfChanged()).isFalse();
      assertThat(tokens.authenticate(new TokenCredentials("new-token-0123456789abc")).succeeded())
          .as("the last good tokens stay").isTrue();

      assertThat(log.lines())
          .containsExactly(
              "INFO tokens file " + file + " reloaded: [new [ingest]]",
              "WARN tokens file " + file + " is invalid, keeping the 1 tokens read before: " + file
                  + ": entry 1 (broken): token must be a text of at least 16 printable ASCII characters"
                  + " without spaces (e.g. from 'openssl rand -hex 32'; quote it if YAML would read a number)",
              "WARN tokens file " + file + " does not exist; keeping the 1 tokens read before");

      Files.writeString(file, TOKENS);
      assertThat(tokens.reloadIfChanged()).as("back").isTrue();
      assertThat(tokens.authenticate(new TokenCredentials(APP)).succeeded()).isTrue();
    }
  }

  @Test
  void theWatcherTakesAChangeByItself() throws Exception {
    Path file = write(TOKENS);
    try (TokenFile tokens = TokenFile.load(file).watch(java.time.Duration.ofMillis(20))) {
      Files.writeString(file, "- {name: later, token: later-token-0123456789, roles: [read]}\n");

      long deadline = System.nanoTime() + 5_000_000_000L;
      while (tokens.authenticate(new TokenCredentials("later-token-0123456789")).failed()) {
        assertThat(System.nanoTime()).as("taken within 5 s").isLessThan(deadline);
        Thread.sleep(20);
      }
      assertThat(tokens.authenticate(new TokenCredentials(APP)).failed()).isTrue();
    }
  }

  private Path write(String text) throws Exception {
    Path file = Files.createTempFile(dir, "tokens", ".yaml");
    return Files.writeString(file, text);
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}

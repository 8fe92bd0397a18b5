package io.tailkeep.collector;

import io.vertx.core.Future;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may do what: reads an {@code Authorization} header (or gRPC {@code authorization} metadata),
 * asks an {@link AuthenticationProvider} who it is, and checks the user holds a role, given as a
 * {@link RoleBasedAuthorization}. Shared by both receivers and by the API port, so every port
 * answers the same questions the same way.
 *
 * <p>Accepted: {@code Bearer <token>}, and {@code Basic} with the token as the password and any
 * user name (Grafana's data sources and browsers speak Basic). The provider gets a {@link
 * TokenCredentials} either way, so it never sees the user name.
 */
public final class AccessCheck {

  /** The answer: allowed, or refused with a message fit for the caller (never the token). */
  public record Verdict(Outcome outcome, String message) {

    static final Verdict ALLOWED = new Verdict(Outcome.ALLOWED, "allowed");

    public boolean allowed() {
      return outcome == Outcome.ALLOWED;
    }
  }

  /** HTTP 401 / gRPC UNAUTHENTICATED versus 403 / PERMISSION_DENIED. */
  public enum Outcome {
    ALLOWED,
    UNAUTHENTICATED,
    FORBIDDEN
  }

  private final AuthenticationProvider provider;

  public AccessCheck(AuthenticationProvider provider) {
    this.provider = Objects.requireNonNull(provider, "provider");
  }

  /**
   * Whether the caller presenting {@code authorization} (null when absent) holds {@code role}. The
   * future fails only if the provider itself breaks.
   */
  public Future<Verdict> check(String authorization, String role) {
    Optional<Credentials> credentials = credentials(authorization);
    if (credentials.isEmpty()) {
      return Future.succeededFuture(
          new Verdict(
              Outcome.UNAUTHENTICATED,
              authorization == null || authorization.isBlank()
                  ? "authentication required: send 'Authorization: Bearer <token>'"
                  : "authentication required: the Authorization header must be"
                      + " 'Bearer <token>' or 'Basic' with the token as password"));
    }
    return provider
        .authenticate(credentials.get())
        .map(user -> hasRole(user, role)
            ? Verdict.ALLOWED
            : new Verdict(Outcome.FORBIDDEN,
                "token '" + user.subject() + "' does not have the '" + role + "' role"))
        .recover(unknown ->
            Future.succeededFuture(new Verdict(Outcome.UNAUTHENTICATED, "unknown token")));
  }

  private static boolean hasRole(User user, String role) {
    return RoleBasedAuthorization.create(role).match(user);
  }

  /**
   * The token in a {@code Bearer} or {@code Basic} header (schemes in any case); empty for anything
   * else, an empty token included.
   */
  static Optional<Credentials> credentials(String authorization) {
    if (authorization == null) {
      return Optional.empty();
    }
    String header = authorization.trim();
    int space = header.indexOf(' ');
    if (space < 0) {
      return Optional.empty();
    }
    String scheme = header.substring(0, space).toLowerCase(Locale.ROOT);
    String value = header.substring(space + 1).trim();
    String token =
        switch (scheme) {
          case "bearer" -> value;
          case "basic" -> basicPassword(value);
          default -> null;
        };
    return token == null || token.isEmpty()
        ? Optional.empty()
        : Optional.of(new TokenCredentials(token));
  }

  /** The password of {@code base64(user:password)}; the user name is ignored. */
  private static String basicPassword(String encoded) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
    int colon = decoded.indexOf(':');
    return colon < 0 ? null : decoded.substring(colon + 1);
  }

  /** For a provider given Basic credentials by someone else: the password is the token. */
  public static Optional<String> token(Credentials credentials) {
    if (credentials instanceof TokenCredentials token) {
      return Optional.ofNullable(token.getToken());
    }
    if (credentials instanceof UsernamePasswordCredentials basic) {
      return Optional.ofNullable(basic.getPassword());
    }
    return Optional.empty();
  }
}

package io.tailkeep.collector;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.TimeUnit;

/**
 * Lets a call through only when its {@code authorization} metadata names a token with the {@code
 * ingest} role: UNAUTHENTICATED without a known token, PERMISSION_DENIED without the role.
 */
final class IngestAuthInterceptor implements ServerInterceptor {

  static final String ROLE = "ingest";

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** An in-memory provider answers at once; a remote one gets this long before the call fails. */
  private static final long PROVIDER_TIMEOUT_SECONDS = 5;

  private final AccessCheck access;
  private final TraceIngest ingest;

  IngestAuthInterceptor(AccessCheck access, TraceIngest ingest) {
    this.access = access;
    this.ingest = ingest;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    Status refusal = refusal(headers.get(AUTHORIZATION));
    if (refusal == null) {
      return next.startCall(call, headers);
    }
    ingest.refusedRequest(refusal.getCode().name().toLowerCase(java.util.Locale.ROOT));
    call.close(refusal, new Metadata());
    return new ServerCall.Listener<>() {};
  }

  /** Null when allowed. Runs on a gRPC executor thread, where waiting briefly is allowed. */
  private Status refusal(String authorization) {
    AccessCheck.Verdict verdict;
    try {
      verdict =
          access
              .check(authorization, ROLE)
              .toCompletionStage()
              .toCompletableFuture()
              .get(PROVIDER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Status.UNAVAILABLE.withDescription("interrupted while checking the token");
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return Status.UNAVAILABLE.withDescription("could not check the token; retry later");
    }
    return switch (verdict.outcome()) {
      case ALLOWED -> null;
      case UNAUTHENTICATED -> Status.UNAUTHENTICATED.withDescription(verdict.message());
      case FORBIDDEN -> Status.PERMISSION_DENIED.withDescription(verdict.message());
    };
  }
}

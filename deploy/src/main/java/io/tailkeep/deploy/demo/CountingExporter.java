package io.tailkeep.deploy.demo;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Wraps an exporter to count what it exported and what failed: the SDK only logs a failed export,
 * and the demo must tell its user when the server refused spans.
 */
final class CountingExporter implements SpanExporter {

  private final SpanExporter delegate;
  private final AtomicLong exported = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<String> firstFailure = new AtomicReference<>();

  CountingExporter(SpanExporter delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    int count = spans.size();
    CompletableResultCode result = delegate.export(spans);
    result.whenComplete(
        () -> {
          if (result.isSuccess()) {
            exported.addAndGet(count);
          } else {
            failed.addAndGet(count);
            Throwable cause = result.getFailureThrowable();
            firstFailure.compareAndSet(null, cause == null ? "export failed" : describe(cause));
          }
        });
    return result;
  }

  private static String describe(Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
  }

  long exported() {
    return exported.get();
  }

  long failed() {
    return failed.get();
  }

  String firstFailure() {
    return firstFailure.get();
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }
}

package io.tailkeep.deploy;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Passes exports to a real OTLP exporter and remembers how each ended: a BatchSpanProcessor's
 * flush succeeds even when its export failed, so success has to be read here.
 */
final class RecordingExporter implements SpanExporter {

  private final SpanExporter delegate;
  private final AtomicLong spansExported = new AtomicLong();
  private final AtomicLong exportsSucceeded = new AtomicLong();
  private final AtomicLong spansFailed = new AtomicLong();
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();

  RecordingExporter(SpanExporter delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    int count = spans.size();
    CompletableResultCode result = delegate.export(spans);
    result.whenComplete(
        () -> {
          if (result.isSuccess()) {
            spansExported.addAndGet(count);
            exportsSucceeded.incrementAndGet();
          } else {
            spansFailed.addAndGet(count);
            Throwable failure = result.getFailureThrowable();
            failures.add(failure != null ? failure : new IllegalStateException("export failed"));
          }
        });
    return result;
  }

  long spansExported() {
    return spansExported.get();
  }

  long exportsSucceeded() {
    return exportsSucceeded.get();
  }

  long spansFailed() {
    return spansFailed.get();
  }

  List<Throwable> failures() {
    return List.copyOf(failures);
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

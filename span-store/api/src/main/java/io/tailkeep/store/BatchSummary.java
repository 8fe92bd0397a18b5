package io.tailkeep.store;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.wire.SpanFields;
import java.util.List;

/**
 * What the spans of one batch contribute to their trace's summary: start, end, span and error
 * counts, the first and the root span's service and name, services, and (service, name, kind)
 * operations. Grown span by span as spans arrive (the sampler's trace summary holds one), so the
 * store writes it without reading the spans again; the store merges a trace's batches.
 *
 * <p>Not thread-safe: grown under its owner's lock, read once it is handed to a {@link SpanBatch}.
 */
public final class BatchSummary {

  /** A span name of a service, with the kind of span that carried it. */
  public record ServiceOperation(String service, String name, SpanKind kind) {}

  /** A list slot, with its share of the list's spare room. */
  private static final int SLOT_BYTES = 8;

  private long startNanos = Long.MAX_VALUE;
  private long endNanos = Long.MIN_VALUE;
  private int spanCount;
  private int errorCount;
  private long firstStart = Long.MAX_VALUE;
  private String firstService;
  private String firstName;
  private long rootStart = Long.MAX_VALUE;
  private String rootService;
  private String rootName;
  private final DistinctList<String> services = new DistinctList<>();
  private final OperationSet operations = new OperationSet();
  /** The previous span's service, name and kind, so runs of alike spans skip the set lookups. */
  private String lastService;
  private String lastName;
  private int lastKind;
  /** Heap held by the sets' entries, kept as they grow. */
  private long listBytes;

  /** Adds one span, with its fields read from its bytes. */
  public void add(WireSpan span, SpanFields fields) {
    String service = span.origin().serviceName();
    long start = fields.startNanos();
    spanCount++;
    startNanos = Math.min(startNanos, start);
    endNanos = Math.max(endNanos, fields.endNanos());
    if (fields.isError()) {
      errorCount++;
    }
    if (start < firstStart || firstService == null) {
      firstStart = start;
      firstService = service;
      firstName = fields.name();
    }
    if (span.isRoot() && (start < rootStart || rootService == null)) {
      rootStart = start;
      rootService = service;
      rootName = fields.name();
    }
    String name = fields.name();
    // A kind this version does not know counts as unspecified, as the stored operations name it.
    int kind = SpanKind.forNumber(fields.kind()) == null ? 0 : fields.kind();
    if (lastService == null
        || !lastService.equals(service)
        || !lastName.equals(name)
        || lastKind != kind) {
      if (services.add(service)) {
        listBytes += SLOT_BYTES;
      }
      if (operations.add(service, name, kind)) {
        listBytes += OperationSet.ENTRY_BYTES;
      }
      lastService = service;
      lastName = name;
      lastKind = kind;
    }
  }

  public int spanCount() {
    return spanCount;
  }

  public int errorCount() {
    return errorCount;
  }

  public long startNanos() {
    return spanCount == 0 ? 0 : startNanos;
  }

  public long endNanos() {
    return spanCount == 0 ? 0 : endNanos;
  }

  public long durationNanos() {
    return endNanos() - startNanos();
  }

  /** Service of the earliest span. */
  public String firstService() {
    return firstService;
  }

  public String firstName() {
    return firstName;
  }

  /** Service of the earliest root span; null when the batch has none. */
  public String rootService() {
    return rootService;
  }

  public String rootName() {
    return rootName;
  }

  public boolean rootSeen() {
    return rootService != null;
  }

  /** Distinct service names, in the order they came. */
  public List<String> services() {
    return services.view();
  }

  /** Distinct (service, name, kind) operations, in the order they came; made on each call. */
  public List<ServiceOperation> operations() {
    return operations.toList();
  }

  /**
   * Heap held by the summary's services and operations, for weighing a buffer; the summary's own
   * fixed part belongs to the owner's per-trace overhead.
   */
  public long retainedBytes() {
    return listBytes;
  }
}

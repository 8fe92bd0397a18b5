package io.tailkeep.query;

import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanId;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceSummary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.IntSupplier;

/**
 * A trace as a tree: each span under its parent, children by start time, with self times. Built
 * from whatever the store holds without failing:
 *
 * <ul>
 *   <li>several roots are all shown at the top level;
 *   <li>a span whose parent never arrived is shown at the top level, with a warning;
 *   <li>identical copies of a span are shown once; different spans sharing a span ID are all
 *       shown, and children attach to the earliest of them;
 *   <li>a parent cycle (a span that is its own ancestor) is broken at its earliest span, which is
 *       shown at the top level;
 *   <li>a span nested deeper than {@code maxDepth} levels is shown at the top level, so the JSON
 *       stays within what parsers accept;
 *   <li>past {@code maxSpans} spans the tree is cut, breadth-first from the top, with a warning.
 * </ul>
 *
 * <p>The header (start, duration, counts, services) describes every stored span, shown or not; the
 * sampling decision is the one stored with the spans, else the trace's summary's. The resources
 * and scopes of the shown spans are kept once each, in two tables the nodes point into. Pure and
 * single-threaded.
 */
public final class TraceTree {
  private static final int MAX_IDS_IN_WARNING = 5;

  private final TraceId traceId;
  private final List<Node> roots;
  private final List<String> warnings;
  private final long startEpochNanos;
  private final long durationNanos;
  private final int spanCount;
  private final int shownSpanCount;
  private final int errorCount;
  private final List<String> services;
  private final String rootService;
  private final String rootOperation;
  private final boolean rootSeen;
  private final Sampling sampling;
  private final List<ResourceEntry> resources;
  private final List<ScopeEntry> scopes;

  /** A resource as exported (with its schema URL), shared by the spans that name it. */
  public record ResourceEntry(Resource resource, String schemaUrl, String serviceName) {}

  /** An instrumentation scope as exported (with its schema URL), shared by the spans that name it. */
  public record ScopeEntry(InstrumentationScope scope, String schemaUrl) {}

  /** One span in the tree. */
  public static final class Node {
    private final OtlpSpan span;
    private final int position;
    private final boolean error;
    private final long selfTimeNanos;
    private final List<String> warnings;
    private final List<Node> children = new ArrayList<>();
    private int hiddenChildCount;
    private int resourceIndex;
    private int scopeIndex;

    private Node(OtlpSpan span, int position, boolean error, long selfTimeNanos, List<String> warnings) {
      this.span = span;
      this.position = position;
      this.error = error;
      this.selfTimeNanos = selfTimeNanos;
      this.warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    public OtlpSpan span() {
      return span;
    }

    public SpanId spanId() {
      return span.spanId();
    }

    /** The parent the span names, even when it is shown elsewhere (orphan, cycle, depth). */
    public Optional<SpanId> parentSpanId() {
      return span.parentSpanId();
    }

    /** Duration minus the time covered by the union of its children, clipped to this span. */
    public long selfTimeNanos() {
      return selfTimeNanos;
    }

    /** Children shown under this node, by start time. */
    public List<Node> children() {
      return Collections.unmodifiableList(children);
    }

    /** Children left out by the span cap. */
    public int hiddenChildCount() {
      return hiddenChildCount;
    }

    /** Why this span is not where its parent ID says, or what is odd about it; usually empty. */
    public List<String> warnings() {
      return warnings;
    }

    /** Whether the span counts as an error: {@link OtlpSpan#isError()}, the one definition. */
    public boolean isError() {
      return error;
    }

    /** The span's resource: an index into {@link TraceTree#resources()}. */
    public int resourceIndex() {
      return resourceIndex;
    }

    /** The span's scope: an index into {@link TraceTree#scopes()}. */
    public int scopeIndex() {
      return scopeIndex;
    }
  }

  private TraceTree(
      TraceId traceId, List<Node> roots, List<String> warnings, long startEpochNanos, long durationNanos,
      int spanCount, int shownSpanCount, int errorCount, List<String> services, String rootService,
      String rootOperation, boolean rootSeen, Sampling sampling, List<ResourceEntry> resources,
      List<ScopeEntry> scopes) {
    this.traceId = traceId;
    this.roots = List.copyOf(roots);
    this.warnings = List.copyOf(warnings);
    this.startEpochNanos = startEpochNanos;
    this.durationNanos = durationNanos;
    this.spanCount = spanCount;
    this.shownSpanCount = shownSpanCount;
    this.errorCount = errorCount;
    this.services = List.copyOf(services);
    this.rootService = rootService;
    this.rootOperation = rootOperation;
    this.rootSeen = rootSeen;
    this.sampling = sampling;
    this.resources = List.copyOf(resources);
    this.scopes = List.copyOf(scopes);
  }

  /**
   * Assembles the tree.
   *
   * @param summary the trace's summary, for what the spans cannot tell: the decision when none came
   *     with them ({@link Trace#sampling}), the whole trace's header when the read was capped; null
   *     when not read or unknown
   * @param maxSpans the most spans shown; a bigger trace is cut with a warning
   * @param maxDepth the most levels nested; deeper spans are shown at the top level
   */
  public static TraceTree assemble(Trace trace, TraceSummary summary, int maxSpans, int maxDepth) {
    if (maxSpans < 1 || maxDepth < 1) {
      throw new IllegalArgumentException("maxSpans and maxDepth must be positive, got " + maxSpans + ", " + maxDepth);
    }
    return new Builder(trace, summary, maxSpans, maxDepth).build();
  }

  public TraceId traceId() {
    return traceId;
  }

  /** Top-level spans by start time: roots, then orphans and spans moved up, all interleaved by start. */
  public List<Node> roots() {
    return roots;
  }

  /** What about this trace is incomplete or odd, in a sentence each; empty for a clean trace. */
  public List<String> warnings() {
    return warnings;
  }

  public long startEpochNanos() {
    return startEpochNanos;
  }

  /** Last span end minus first span start. */
  public long durationNanos() {
    return durationNanos;
  }

  /** Distinct spans stored. */
  public int spanCount() {
    return spanCount;
  }

  public int shownSpanCount() {
    return shownSpanCount;
  }

  public int errorCount() {
    return errorCount;
  }

  /** Service names, sorted. */
  public List<String> services() {
    return services;
  }

  public String rootService() {
    return rootService;
  }

  public String rootOperation() {
    return rootOperation;
  }

  /** Whether a span without a parent is in the trace. */
  public boolean rootSeen() {
    return rootSeen;
  }

  /** How the trace was kept; empty when no decision was stored with it. */
  public Optional<Sampling> sampling() {
    return Optional.ofNullable(sampling);
  }

  /**
   * The distinct resources of the shown spans (equal message and schema URL: one entry), in the
   * order of the earliest span of each.
   */
  public List<ResourceEntry> resources() {
    return resources;
  }

  /** The distinct scopes of the shown spans, as {@link #resources()}. */
  public List<ScopeEntry> scopes() {
    return scopes;
  }

  private static final class Builder {
    private final TraceId traceId;
    private final TraceSummary summary;
    /** The decision stored with the spans, else the summary's. */
    private final Sampling sampling;
    private final int maxSpans;
    private final int maxDepth;
    private final int identicalCopies;
    private final OtlpSpan[] spans;
    private final long[] start;
    private final long[] end;
    private final long[] ids;
    private final int[] parent;
    /** Whether each span is an error, worked out once. */
    private final boolean[] error;
    /** Warnings by span position; few spans have any. */
    private final Map<Integer, List<String>> nodeWarnings = new HashMap<>();
    private final List<String> warnings = new ArrayList<>();
    /** The store read only some of the trace's spans (its span cap). */
    private final boolean capped;
    private int[] childStart;
    private int[] children;
    /** Nodes by span position; null for spans the cap leaves out. */
    private Node[] nodes;
    private final List<ResourceEntry> resources = new ArrayList<>();
    private final List<ScopeEntry> scopes = new ArrayList<>();

    Builder(Trace trace, TraceSummary summary, int maxSpans, int maxDepth) {
      this.traceId = trace.traceId();
      this.capped = trace.capped();
      this.summary = summary;
      this.sampling = trace.sampling() != null || summary == null ? trace.sampling() : summary.sampling();
      this.maxSpans = maxSpans;
      this.maxDepth = maxDepth;
      List<OtlpSpan> distinct = Trace.withoutIdenticalCopies(trace.spans());
      this.identicalCopies = trace.spans().size() - distinct.size();
      int n = distinct.size();
      // Earliest first; ties by span ID, then as stored: every later step keeps this order.
      spans = Trace.inStartOrder(distinct);
      start = new long[n];
      end = new long[n];
      ids = new long[n];
      for (int i = 0; i < n; i++) {
        start[i] = spans[i].startEpochNanos();
        end[i] = spans[i].endEpochNanos();
        ids[i] = spans[i].spanId().value();
      }
      parent = new int[n];
      error = new boolean[n];
    }

    TraceTree build() {
      int n = spans.length;
      if (identicalCopies > 0) {
        warnings.add(identicalCopies + " identical " + plural(identicalCopies, "copy", "copies")
            + " of spans left out");
      }
      linkParents();
      breakCycles();
      indexChildren();

      int rootCount = 0;
      int errorCount = 0;
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      TreeSet<String> services = new TreeSet<>();
      // Spans decoded together share their resource object: its service name is looked up once.
      Map<Resource, String> serviceOfResource = new IdentityHashMap<>();
      int root = -1;
      for (int i = 0; i < n; i++) {
        if (spans[i].isRoot()) {
          rootCount++;
          if (root < 0) {
            root = i;
          }
        }
        error[i] = spans[i].isError();
        if (error[i]) {
          errorCount++;
        }
        first = Math.min(first, start[i]);
        last = Math.max(last, end[i]);
        if (!serviceOfResource.containsKey(spans[i].resource())) {
          String service = spans[i].serviceName();
          serviceOfResource.put(spans[i].resource(), service);
          services.add(service);
        }
      }
      if (rootCount > 1) {
        warnings.add(0, "the trace has " + rootCount + " root spans");
      } else if (rootCount == 0 && n > 0) {
        warnings.add(0, "the trace has no root span; it may not have arrived");
      }

      List<Node> top = layOut();
      indexResourcesAndScopes();

      String rootService;
      String rootOperation;
      if (root >= 0) {
        rootService = serviceOfResource.get(spans[root].resource());
        rootOperation = spans[root].name();
      } else if (summary != null) {
        rootService = summary.rootService();
        rootOperation = summary.rootOperation();
      } else {
        rootService = n > 0 ? serviceOfResource.get(spans[0].resource()) : null;
        rootOperation = n > 0 ? spans[0].name() : null;
      }
      int shown = Math.min(n, maxSpans); // after breaking cycles, every span is reachable from the top
      if (capped) {
        warnings.add(cappedReadWarning(n));
        if (summary != null) {
          // The spans read are a part: the header describes the whole trace, as the store counted it.
          return new TraceTree(
              traceId, top, warnings, summary.startEpochNanos(), summary.durationNanos(), summary.spanCount(),
              shown, summary.errorCount(), new ArrayList<>(new TreeSet<>(summary.services())), rootService,
              rootOperation, root >= 0 || summary.rootSeen(), sampling, resources, scopes);
        }
      }
      return new TraceTree(
          traceId, top, warnings, n > 0 ? first : 0, n > 0 ? last - first : 0, n, shown, errorCount,
          new ArrayList<>(services), rootService, rootOperation, root >= 0,
          sampling, resources, scopes);
    }

    /**
     * Points each shown node at its entry in the resource and scope tables, adding entries as met.
     * Spans decoded together share their resource and scope objects, so an object met before is
     * found by identity; only a new object is compared by content.
     */
    private void indexResourcesAndScopes() {
      Map<TableKey, Integer> resourceIndex = new HashMap<>();
      Map<TableKey, Integer> scopeIndex = new HashMap<>();
      Map<SameObject, Integer> resourceSeen = new HashMap<>();
      Map<SameObject, Integer> scopeSeen = new HashMap<>();
      for (Node node : nodes) { // by position: start order
        if (node == null) {
          continue;
        }
        OtlpSpan span = node.span;
        node.resourceIndex =
            indexOf(span.resource(), span.resourceSchemaUrl(), resourceSeen, resourceIndex, () -> {
              resources.add(new ResourceEntry(span.resource(), span.resourceSchemaUrl(), span.serviceName()));
              return resources.size() - 1;
            });
        node.scopeIndex =
            indexOf(span.scope(), span.scopeSchemaUrl(), scopeSeen, scopeIndex, () -> {
              scopes.add(new ScopeEntry(span.scope(), span.scopeSchemaUrl()));
              return scopes.size() - 1;
            });
      }
    }

    /** A message's entry in a table: by identity, else by content, else {@code add}ed. */
    private static int indexOf(
        Object message, String schemaUrl, Map<SameObject, Integer> seen, Map<TableKey, Integer> byContent,
        IntSupplier add) {
      return seen.computeIfAbsent(
          new SameObject(message, schemaUrl),
          same -> byContent.computeIfAbsent(new TableKey(message, schemaUrl), key -> add.getAsInt()));
    }

    /**
     * Each span ID's earliest position and its number of spans, in primitive arrays (open
     * addressing): a big trace's parent lookups box and hash nothing.
     */
    private static final class SpanIdTable {
      private final long[] keys;
      private final int[] earliest;
      private final int[] count; // 0: an empty slot
      private final int mask;

      /** {@code ids} by position, earliest first. */
      SpanIdTable(long[] ids) {
        int slots = Integer.highestOneBit(Math.max(4, ids.length * 2) - 1) << 1; // at most half full
        keys = new long[slots];
        earliest = new int[slots];
        count = new int[slots];
        mask = slots - 1;
        for (int i = 0; i < ids.length; i++) {
          int slot = slot(ids[i]);
          if (count[slot] == 0) {
            keys[slot] = ids[i];
            earliest[slot] = i;
          }
          count[slot]++;
        }
      }

      /** The earliest position of a span with this ID; -1 when there is none. */
      int earliest(long id) {
        int slot = slot(id);
        return count[slot] == 0 ? -1 : earliest[slot];
      }

      int count(long id) {
        return count[slot(id)];
      }

      /** The ID's slot, or the empty one where it would go. */
      private int slot(long id) {
        int slot = Long.hashCode(id * 0x9E3779B97F4A7C15L) & mask;
        while (count[slot] != 0 && keys[slot] != id) {
          slot = (slot + 1) & mask;
        }
        return slot;
      }
    }

    /** A protobuf message (equal by content) and its schema URL. */
    private record TableKey(Object message, String schemaUrl) {}

    /** A message object (equal only to itself) and its schema URL: the cheap key, tried first. */
    private record SameObject(Object message, String schemaUrl) {
      @Override
      public boolean equals(Object o) {
        return o instanceof SameObject other && other.message == message && other.schemaUrl.equals(schemaUrl);
      }

      @Override
      public int hashCode() {
        return System.identityHashCode(message) * 31 + schemaUrl.hashCode();
      }
    }

    /** Each span's parent position, or -1 for a top-level span (root, orphan, own parent). */
    private void linkParents() {
      int n = spans.length;
      SpanIdTable byId = new SpanIdTable(ids);
      int orphans = 0;
      int ownParents = 0;
      for (int i = 0; i < n; i++) {
        Optional<SpanId> parentId = spans[i].parentSpanId();
        if (parentId.isEmpty()) {
          parent[i] = -1;
        } else if (parentId.get().value() == ids[i]) {
          parent[i] = -1;
          ownParents++;
          warn(i, "the span names itself as its parent; shown at the top level");
        } else {
          int p = byId.earliest(parentId.get().value());
          if (p < 0) {
            parent[i] = -1;
            orphans++;
            warn(i, "parent span " + parentId.get() + " is not in the trace; shown at the top level");
          } else {
            parent[i] = p;
          }
        }
      }
      int duplicatedIds = 0;
      for (int i = 0; i < n; i++) {
        int count = byId.count(ids[i]);
        if (count > 1) {
          boolean isEarliest = byId.earliest(ids[i]) == i;
          if (isEarliest) {
            duplicatedIds++;
          }
          warn(i, "span ID " + spans[i].spanId() + " is used by " + count + " different spans"
              + (isEarliest ? "; children attach to this one, the earliest" : "; children attach to the earliest"));
        }
      }
      if (orphans > 0) {
        warnings.add(orphans + " " + plural(orphans, "span names a parent", "spans name parents")
            + " not in the trace; shown at the top level");
      }
      if (duplicatedIds > 0) {
        warnings.add(duplicatedIds + " span " + plural(duplicatedIds, "ID is", "IDs are")
            + " used by more than one span; children attach to the earliest");
      }
      if (ownParents > 0) {
        warnings.add(ownParents + " " + plural(ownParents, "span names itself", "spans name themselves")
            + " as parent; shown at the top level");
      }
    }

    /**
     * A span every ancestor chain of which loops never reaches the top: each loop is cut above its
     * earliest span, which then shows at the top level. Follows parent links once per span.
     */
    private void breakCycles() {
      int n = spans.length;
      byte[] state = new byte[n]; // 0 not seen, 1 on the current walk, 2 reaches the top
      int[] walk = new int[n];
      int cycles = 0;
      for (int i = 0; i < n; i++) {
        if (state[i] == 2) {
          continue;
        }
        int length = 0;
        int at = i;
        while (at >= 0 && state[at] == 0) {
          state[at] = 1;
          walk[length++] = at;
          at = parent[at];
        }
        if (at >= 0 && state[at] == 1) {
          int from = length - 1;
          while (walk[from] != at) {
            from--;
          }
          int cut = at;
          for (int k = from; k < length; k++) {
            cut = Math.min(cut, walk[k]);
          }
          List<String> loop = new ArrayList<>();
          for (int k = from; k < length && loop.size() < MAX_IDS_IN_WARNING; k++) {
            loop.add(spans[walk[k]].spanId().toHex());
          }
          if (length - from > MAX_IDS_IN_WARNING) {
            loop.add("...");
          }
          warn(cut, "parent span " + spans[parent[cut]].spanId() + " is its descendant (parent links "
              + String.join(" -> ", loop) + "); shown at the top level");
          parent[cut] = -1;
          cycles++;
        }
        for (int k = 0; k < length; k++) {
          state[walk[k]] = 2;
        }
      }
      if (cycles > 0) {
        warnings.add(cycles + " parent " + plural(cycles, "cycle was", "cycles were")
            + " broken; the earliest span of each is shown at the top level");
      }
    }

    /** Children of each span in start order, as slices of one array. */
    private void indexChildren() {
      int n = spans.length;
      childStart = new int[n + 1];
      for (int i = 0; i < n; i++) {
        if (parent[i] >= 0) {
          childStart[parent[i] + 1]++;
        }
      }
      for (int i = 0; i < n; i++) {
        childStart[i + 1] += childStart[i];
      }
      children = new int[childStart[n]];
      int[] fill = Arrays.copyOf(childStart, n);
      for (int i = 0; i < n; i++) { // ascending: each slice is in start order
        if (parent[i] >= 0) {
          children[fill[parent[i]]++] = i;
        }
      }
    }

    /** Union of the children's intervals within the span, subtracted from its duration. */
    private long selfTime(int i) {
      long covered = 0;
      long coveredUntil = start[i];
      for (int k = childStart[i]; k < childStart[i + 1]; k++) {
        int c = children[k];
        long from = Math.max(Math.max(start[c], start[i]), coveredUntil);
        long to = Math.min(end[c], end[i]);
        if (to > from) {
          covered += to - from;
          coveredUntil = to;
        }
      }
      return (end[i] - start[i]) - covered;
    }

    /** Breadth-first from the top, so a cut keeps the upper levels of every branch. */
    private List<Node> layOut() {
      int n = spans.length;
      nodes = new Node[n];
      int[] queue = new int[n];
      int[] depth = new int[n];
      boolean[] movedUp = new boolean[n];
      int head = 0;
      int tail = 0;
      for (int i = 0; i < n; i++) {
        if (parent[i] < 0) {
          queue[tail++] = i;
        }
      }
      List<Node> top = new ArrayList<>();
      int deep = 0;
      while (head < tail && head < maxSpans) {
        int i = queue[head++];
        if (movedUp[i]) {
          deep++;
          warn(i, "nested deeper than " + maxDepth + " levels; shown at the top level under no parent");
        }
        Node node = new Node(spans[i], i, error[i], selfTime(i), nodeWarnings.get(i));
        nodes[i] = node;
        if (parent[i] < 0 || movedUp[i]) {
          top.add(node);
        } else {
          nodes[parent[i]].children.add(node);
        }
        for (int k = childStart[i]; k < childStart[i + 1]; k++) {
          int c = children[k];
          if (depth[i] + 1 >= maxDepth) {
            movedUp[c] = true;
            depth[c] = 0;
          } else {
            depth[c] = depth[i] + 1;
          }
          queue[tail++] = c;
        }
      }
      for (int i = 0; i < n; i++) {
        if (nodes[i] != null) {
          for (int k = childStart[i]; k < childStart[i + 1]; k++) {
            if (nodes[children[k]] == null) {
              nodes[i].hiddenChildCount++;
            }
          }
        }
      }
      if (deep > 0) {
        warnings.add(deep + " " + plural(deep, "span nests", "spans nest") + " deeper than " + maxDepth
            + " levels; shown at the top level");
      }
      if (n > maxSpans) {
        warnings.add("the trace has " + n + " spans, more than the limit of " + maxSpans + "; only "
            + maxSpans + " are shown, breadth-first from the top");
      }
      top.sort(Comparator.comparingInt(node -> node.position));
      return top;
    }

    private String cappedReadWarning(int read) {
      String why = "(the first as stored, not by place in the tree, so some show without their parent)";
      if (summary != null && summary.spanCount() > read) {
        return "the trace has " + summary.spanCount() + " spans, more than the span cap of " + read + ": only "
            + read + " were read " + why + ", " + (summary.spanCount() - read) + " are left out";
      }
      return "the trace has more than " + read + " spans, the span cap: only " + read + " were read " + why;
    }

    private void warn(int i, String warning) {
      nodeWarnings.computeIfAbsent(i, k -> new ArrayList<>(1)).add(warning);
    }

    private static String plural(int count, String one, String many) {
      return count == 1 ? one : many;
    }
  }
}

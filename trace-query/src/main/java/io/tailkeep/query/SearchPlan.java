package io.tailkeep.query;

import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceQuery.Order;
import io.tailkeep.store.TraceSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One page of a search, as keyset pagination over the store's order (newest first: start
 * descending; slowest first: duration descending; ties by trace ID ascending).
 *
 * <p>A later page narrows the query to keys at or below the last key returned (the window's end
 * newest first, {@code maxDuration} slowest first), asks the store for as many more traces as it
 * already returned with that exact key, and drops those by trace ID. The store returns exactly
 * {@code limit} traces when that many match, so pages have neither duplicates nor gaps, ties
 * included. Pure: the caller runs {@link #query} and hands the result to {@link #next}.
 */
final class SearchPlan {
  private final SearchFilters filters;
  private final int limit;
  /** Highest sort key this page may return, inclusive; null: the filters' own bound. */
  private final Long keyBound;
  /** Traces with this key and a trace ID up to this one were returned before; null on page one. */
  private final PageToken.Cursor skip;

  SearchPlan(SearchParams params) {
    this(params.filters(), params.limit(), params.after() == null ? null : params.after().key(), params.after());
  }

  private SearchPlan(SearchFilters filters, int limit, Long keyBound, PageToken.Cursor skip) {
    this.filters = Objects.requireNonNull(filters, "filters");
    this.limit = limit;
    this.keyBound = keyBound;
    this.skip = skip;
  }

  SearchFilters filters() {
    return filters;
  }

  int limit() {
    return limit;
  }

  /**
   * What to ask the store for first: this page, the ties to skip, and one more trace that tells
   * whether another page follows.
   */
  int firstFetch() {
    return (int) Math.min(TraceQuery.MAX_LIMIT, (long) limit + (skip == null ? 0 : skip.ties()) + 1);
  }

  /** True when no trace can be on this page: the bound fell below the query's range. */
  boolean emptyRange() {
    if (keyBound == null) {
      return false;
    }
    return filters.order() == Order.NEWEST_FIRST
        ? keyBound < TimeFormat.epochNanos(filters.start())
        : keyBound < 0 || (filters.minDuration() != null && keyBound < filters.minDuration().toNanos());
  }

  /** The store query for {@code fetch} traces; only when not {@link #emptyRange()}. */
  TraceQuery query(int fetch) {
    TraceQuery.Builder query =
        TraceQuery.builder()
            .service(filters.service())
            .operation(filters.operation())
            .minDuration(filters.minDuration())
            .maxDuration(filters.maxDuration())
            .window(filters.start(), filters.end())
            .limit(fetch)
            .order(filters.order())
            .errorsOnly(filters.errorsOnly());
    filters.tags().forEach(query::tag);
    if (keyBound != null) {
      if (filters.order() == Order.NEWEST_FIRST) {
        query.window(filters.start(), TimeFormat.instant(keyBound));
      } else {
        query.maxDuration(Duration.ofNanos(keyBound));
      }
    }
    return query.build();
  }

  /** What the store's answer to {@code query(fetch)} makes of this page. */
  Step next(List<TraceSummary> fetched, int fetch) {
    List<TraceSummary> page = new ArrayList<>(Math.min(limit, fetched.size()));
    int skipped = 0;
    int unseen = 0;
    for (TraceSummary summary : fetched) {
      if (skip != null && key(summary) == skip.key() && summary.traceId().compareTo(skip.traceId()) <= 0) {
        skipped++;
      } else if (keyBound != null && key(summary) > keyBound) {
        skipped++; // cannot happen with a store that keeps to the query; never repeat a trace
      } else {
        unseen++;
        if (page.size() < limit) {
          page.add(summary);
        }
      }
    }
    boolean storeFull = fetched.size() >= fetch;
    boolean more = unseen > limit;
    if (!more && storeFull) {
      if (fetch < TraceQuery.MAX_LIMIT) {
        // More traces share the last key than the token knew of (written since): ask for more.
        return new FetchMore((int) Math.min(TraceQuery.MAX_LIMIT, (long) skipped + limit + 1));
      }
      if (page.isEmpty() && skip != null) {
        // Over MAX_LIMIT traces share one key: the store cannot reach past them, so move on.
        SearchPlan below = new SearchPlan(filters, limit, skip.key() - 1, null);
        return new Restart(below, tieOverflowWarning());
      }
      more = !page.isEmpty(); // the store may hold more than it could return
    }
    PageToken next = null;
    if (more) {
      TraceSummary last = page.get(page.size() - 1);
      long key = key(last);
      int ties = (int) page.stream().filter(s -> key(s) == key).count();
      if (skip != null && skip.key() == key) {
        ties += skipped;
      }
      next = new PageToken(filters, new PageToken.Cursor(key, last.traceId(), ties));
    }
    return new Page(List.copyOf(page), next);
  }

  private String tieOverflowWarning() {
    String what =
        filters.order() == Order.NEWEST_FIRST
            ? "start at exactly " + TimeFormat.format(skip.key())
            : "last exactly " + skip.key() + "ns";
    return "at least " + TraceQuery.MAX_LIMIT + " traces " + what + ", more than paging can pass; the rest of them"
        + " are skipped";
  }

  private long key(TraceSummary summary) {
    return filters.order() == Order.NEWEST_FIRST ? summary.startEpochNanos() : summary.durationNanos();
  }

  /** What to do after a fetch. */
  sealed interface Step permits Page, FetchMore, Restart {}

  /** The page is ready; {@code next} is null when the store has no more. */
  record Page(List<TraceSummary> traces, PageToken next) implements Step {}

  /** Fetch again with a larger {@code fetch}. */
  record FetchMore(int fetch) implements Step {}

  /** Run {@code plan} instead, and show {@code warning} with its page. */
  record Restart(SearchPlan plan, String warning) implements Step {}
}

package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.SyntaxError;
import io.tailkeep.store.AsyncFailure;
import io.tailkeep.store.BatchRejectedException;
import java.util.Locale;

/**
 * Which of Cassandra's answers to a write mean the batch can never be stored as it is, so the
 * sampler's store queue sets it aside instead of retrying it at the head of its queue forever.
 * Found on a Cassandra 5.0 node (CassandraWriteRefusalsTest):
 *
 * <ul>
 *   <li>a request over {@code native_transport_max_message_size} (16 MiB by default): {@code
 *       InvalidQueryException} "CQL Message of size N bytes exceeds allowed maximum of M bytes";
 *       with the defaults this comes before the mutation limit;
 *   <li>a mutation over {@code max_mutation_size} (half of {@code commitlog_segment_size}, 16 MiB
 *       by default): {@code InvalidQueryException} "Rejected an oversized mutation (N/M) ...";
 *   <li>a partition or clustering key over 64 KiB: {@code InvalidQueryException} "Key length of N
 *       is longer than maximum of 65535"; any other invalid request (a missing table) the same
 *       type;
 *   <li>a statement Cassandra cannot parse: {@code SyntaxError}.
 * </ul>
 *
 * Everything else (unavailable, timeouts, overloaded, connections lost) can pass and is left as it
 * is, to be retried.
 */
final class WriteRefusals {

  private WriteRefusals() {}

  /**
   * The refusal for a failed request, or {@code error} itself if it may pass.
   *
   * @param carriesSummary the request held the batch's summary row: refused for its size, the
   *     batch's summary was not stored, so the batch's spans written in smaller batches add up
   *     right. A request of spans alone holds a single span when it is that large (smaller ones
   *     share blocks of at most {@link SpanBlocks#MAX_BLOCK_BYTES}), which no split can make
   *     smaller.
   */
  static Throwable classify(Throwable error, boolean carriesSummary) {
    Throwable cause = AsyncFailure.cause(error);
    if (cause instanceof BatchRejectedException) {
      return cause;
    }
    if (cause instanceof InvalidQueryException) {
      String message = String.valueOf(cause.getMessage());
      if (isTooLarge(message)) {
        return new BatchRejectedException(
            (carriesSummary ? "trace summary too large: " : "span too large: ") + message,
            carriesSummary,
            cause);
      }
      return new BatchRejectedException("invalid request: " + message, false, cause);
    }
    if (cause instanceof SyntaxError) {
      return new BatchRejectedException("invalid statement: " + cause.getMessage(), false, cause);
    }
    return error;
  }

  static boolean isTooLarge(String message) {
    String lower = message.toLowerCase(Locale.ROOT);
    return lower.contains("exceeds allowed maximum") || lower.contains("oversized mutation");
  }

  /**
   * The failure that says most about a write of several requests: a refusal that splitting may
   * help, then any refusal (the batch can never be stored whole, whatever else failed), then the
   * first failure.
   */
  static Throwable mostTelling(Iterable<Throwable> failures) {
    Throwable first = null;
    BatchRejectedException refusal = null;
    for (Throwable failure : failures) {
      if (first == null) {
        first = failure;
      }
      if (failure instanceof BatchRejectedException rejected
          && (refusal == null || (rejected.splittingMayHelp() && !refusal.splittingMayHelp()))) {
        refusal = rejected;
      }
    }
    return refusal != null ? refusal : first;
  }
}

package io.tailkeep.store;

/**
 * The one definition of an error span, for the rules, the stored summary, search and the trace
 * tree alike: status ERROR, or a server span that answered HTTP 5xx (instrumentations leave the
 * status UNSET on a server's 5xx answer in some semantic convention versions, and users count those
 * as failures).
 */
public final class ErrorSpans {

  /** Span status codes and kinds as OTLP numbers them. */
  static final int STATUS_ERROR = 2;

  static final int KIND_SERVER = 2;

  /** The HTTP status attributes, current and older semantic conventions. */
  public static final String HTTP_RESPONSE_STATUS = "http.response.status_code";

  public static final String HTTP_STATUS_OLD = "http.status_code";

  private ErrorSpans() {}

  /**
   * @param httpStatus the span's HTTP response status attribute, 0 when it has none
   */
  public static boolean isError(int kind, int statusCode, long httpStatus) {
    return statusCode == STATUS_ERROR || (kind == KIND_SERVER && httpStatus >= 500);
  }

  /**
   * Whether {@link #isError} depends on the HTTP status: a server span whose status is not ERROR.
   * Other spans need not have their attributes looked through.
   */
  public static boolean needsHttpStatus(int kind, int statusCode) {
    return statusCode != STATUS_ERROR && kind == KIND_SERVER;
  }

  /** An HTTP status written as text; 0 when it is not a number. */
  public static long parseStatus(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException notANumber) {
      return 0;
    }
  }
}

package io.vigil.pipeline.result;

/**
 * How a network source's connections went. Each try to open the source is an attempt; an attempt
 * that opened it is a connection; a connection that was up and ended (the sender hung up, went
 * silent past the read timeout, or failed) is a loss. One outage is one loss, however many attempts
 * it took to connect again: {@code attempts - connections} attempts failed.
 *
 * @param attempts times the source was opened or tried (counted once the try has connected or
 *     failed)
 * @param connections attempts that opened it
 * @param losses connections that ended
 */
public record ConnectionCounts(long attempts, long connections, long losses) {

  /** A source that was never tried (a file, or not yet started). */
  public static final ConnectionCounts NONE = new ConnectionCounts(0, 0, 0);

  /** Attempts that did not open the source. */
  public long failedAttempts() {
    return attempts - connections;
  }

  /** The counts as words, such as {@code "6 connection attempts, 2 connected, 1 lost"}. */
  public String describe() {
    return attempts
        + (attempts == 1 ? " connection attempt, " : " connection attempts, ")
        + connections
        + " connected, "
        + losses
        + " lost";
  }
}

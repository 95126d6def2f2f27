package io.vigil.pipeline.result;

/**
 * How a {@link ResultSink} puts a stream's results file on disk.
 *
 * <p>Both policies write the summary ({@link StreamSummary#write}, itself atomic) only when the
 * stream ends.
 */
public enum WritePolicy {

  /**
   * For streams that have no natural end: lines are appended to the results file under its final
   * name and flushed to the operating system after every batch, so a reader can follow it while the
   * stream runs. The first time a sink opens a stream its file starts afresh; a stream opened again
   * by the same sink (added again after it ended) appends. A stream that produced no result has no
   * files. A failed stream keeps the lines already written.
   */
  LIVE,

  /**
   * For streams that end: lines go to a hidden temporary file beside the results file, which is
   * renamed over the final name in one step when the stream ends (then the summary is written). A
   * stream that ends with no result gets an empty results file. A failed stream's temporary file is
   * deleted, leaving the final name as it was: a results file is complete or absent.
   */
  ATOMIC
}

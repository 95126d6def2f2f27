package io.vigil.pipeline.result;

/**
 * What the caller knows of a stream when it ends that the {@link ResultSink} cannot count from the
 * results themselves: the parts of its {@link StreamSummary} that come from the source and the
 * stream's metrics.
 *
 * @param source the file or URL the stream was read from
 * @param decode what the decoder met, or null when unknown
 * @param dropped frames dropped under overload
 * @param droppedUnconverted of those, the frames shed before conversion
 * @param corrupt frames delivered damaged or lost, plus decode errors
 * @param latency the latency percentiles to report, or null for those of the results the sink saw
 * @param modelWithoutResults the summary's model when the stream produced no result
 * @param connections a network source's connection attempts, connections and losses; null for other
 *     sources
 */
public record StreamEnding(
    String source,
    DecodeReport decode,
    long dropped,
    long droppedUnconverted,
    long corrupt,
    LatencyTracker.Percentiles latency,
    String modelWithoutResults,
    ConnectionCounts connections) {

  /** An ending without connection counts (a file, or a source that is not a network stream). */
  public StreamEnding(
      String source,
      DecodeReport decode,
      long dropped,
      long droppedUnconverted,
      long corrupt,
      LatencyTracker.Percentiles latency,
      String modelWithoutResults) {
    this(source, decode, dropped, droppedUnconverted, corrupt, latency, modelWithoutResults, null);
  }
}

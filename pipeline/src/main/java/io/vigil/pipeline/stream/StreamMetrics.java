package io.vigil.pipeline.stream;

import io.vigil.pipeline.result.ConnectionCounts;
import io.vigil.pipeline.result.LatencyTracker;

/**
 * One stream's counters at one moment.
 *
 * @param stream the stream's id
 * @param framesIn frames the source delivered into the pipeline
 * @param framesOut frames classified and written
 * @param dropped frames dropped under overload (real-time mode only; offline never drops), in the
 *     buffer before inference or already at the source
 * @param droppedUnconverted of {@code dropped}, the frames the source decoded but did not convert
 *     or preprocess, because the buffer was saturated for the stream
 * @param corrupt frames the decoder delivered damaged or estimated lost, plus decode errors
 * @param connections a network source's attempts, connections and losses ({@link
 *     ConnectionCounts#NONE} for a file)
 * @param latency capture-to-result latency percentiles, milliseconds
 */
public record StreamMetrics(
    String stream,
    long framesIn,
    long framesOut,
    long dropped,
    long droppedUnconverted,
    long corrupt,
    ConnectionCounts connections,
    LatencyTracker.Percentiles latency) {}

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
 * @param droppedUnconverted of {@code dropped}, the frames the source passed on without converting
 *     or preprocessing them: because the buffer was saturated for the stream, or because the source
 *     was late
 * @param droppedLate of {@code droppedUnconverted}, the frames a paced source shed because it had
 *     fallen behind its frames' capture times: decoded too late to be worth converting, or left
 *     undecoded to catch up
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
    long droppedLate,
    long corrupt,
    ConnectionCounts connections,
    LatencyTracker.Percentiles latency) {}

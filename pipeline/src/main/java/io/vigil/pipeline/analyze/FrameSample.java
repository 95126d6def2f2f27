package io.vigil.pipeline.analyze;

/**
 * One decoded frame, already converted to the model's input contract.
 *
 * @param index 0-based position among the frames the decoder delivered
 * @param ptsMicros presentation timestamp from the container, in microseconds
 * @param decodedAtNanos {@link System#nanoTime()} when the frame left the decoder; the start of the
 *     frame's latency
 * @param pixels {@code contract.size()} normalised floats, CHW
 */
public record FrameSample(long index, long ptsMicros, long decodedAtNanos, float[] pixels) {}

package io.vigil.pipeline.video;

/**
 * What a video file's headers say about its video stream.
 *
 * <p>{@code claimedFrames} is only the header's claim (the stream header's frame count, or 0 when
 * it gives none): AVI counts empty "repeat the previous frame" chunks in it, so tree.avi claims 444
 * frames and 68 decode. Count what {@link VideoDecoder#next()} delivers instead. {@code frameRate}
 * is the stream's average rate in frames per second (0 when unknown), {@code durationMicros} the
 * container's duration in microseconds (0 when it states none; also only a claim: a truncated AVI
 * states what FFmpeg could index).
 */
public record VideoInfo(
    String codec,
    int width,
    int height,
    double frameRate,
    long claimedFrames,
    long durationMicros) {}

package io.vigil.pipeline.result;

/**
 * What decoding one file met so far (or in all, once {@link
 * io.vigil.pipeline.video.VideoDecoder#next()} has returned null).
 *
 * <ul>
 *   <li>{@code framesDecoded}: frames delivered.
 *   <li>{@code decodeErrors}: times the grabber threw while reading or decoding; each was skipped.
 *   <li>{@code damagedFrames}: frames delivered that FFmpeg marked corrupt (it concealed missing or
 *       broken blocks, e.g. the last frame before a cut).
 *   <li>{@code lostInGaps}, {@code lostAtEnd}: frames estimated lost, from gaps in the timestamps
 *       and from timestamps that stop before the container's claimed end; {@link
 *       io.vigil.pipeline.video.FrameTimeline} documents the rule. An estimate, not a count.
 *   <li>{@code timestampsRepaired}: frames whose timestamp did not increase and was replaced by the
 *       previous one plus one frame interval.
 *   <li>{@code ffmpegWarnings}: warnings and errors FFmpeg logged for this file's decoder and
 *       container while decoding (each concealed block of a damaged file is one); the lines
 *       themselves go to the log at DEBUG.
 *   <li>{@code gaveUp}: decoding stopped after too many consecutive errors, before the file's end.
 *   <li>{@code summary}: one line for people, naming the file.
 * </ul>
 */
public record DecodeReport(
    long framesDecoded,
    long decodeErrors,
    long damagedFrames,
    long lostInGaps,
    long lostAtEnd,
    long timestampsRepaired,
    long ffmpegWarnings,
    boolean gaveUp,
    String summary) {

  /** All frames estimated lost: {@code lostInGaps + lostAtEnd}. */
  public long framesLost() {
    return lostInGaps + lostAtEnd;
  }
}

package io.vigil.pipeline.analyze;

import io.vigil.pipeline.video.DecodeReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The outcome of analysing one video.
 *
 * @param video the input file
 * @param results the JSON Lines file written
 * @param modelVersion the model that classified every frame
 * @param frames frames classified (each has one line in {@code results})
 * @param elapsed wall time from opening the video to committing the results
 * @param decode what the decoder saw: errors, frames estimated lost
 * @param classNames the model's classes, in index order
 * @param perClass frames whose best label was each class
 * @param labeledFrames frames for which the true label was known (0 without a label file)
 * @param labelFrames rows in the label file (0 without one)
 * @param accuracy share of labeled frames whose best label was right, if any were labeled
 */
public record AnalyzeReport(
    Path video,
    Path results,
    String modelVersion,
    long frames,
    Duration elapsed,
    DecodeReport decode,
    List<String> classNames,
    long[] perClass,
    long labeledFrames,
    int labelFrames,
    OptionalDouble accuracy) {

  /** Frames classified per second of wall time. */
  public double framesPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds > 0 ? frames / seconds : 0;
  }
}

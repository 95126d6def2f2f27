package io.vigil.pipeline.cli;

import io.vigil.pipeline.analyze.FileOutcome;
import io.vigil.pipeline.result.LabelAccuracy;
import io.vigil.pipeline.result.StreamSummary;
import io.vigil.pipeline.result.VersionSpan;
import java.io.PrintWriter;
import java.nio.file.Path;

/** Prints what one analysed video gave: totals, what the decoder lost, labels per class. */
final class ReportPrinter {

  private ReportPrinter() {}

  /**
   * @param outcome a video analysed in this run (its summary is set)
   * @param results where its results were written
   */
  static void print(FileOutcome outcome, Path results, PrintWriter out) {
    StreamSummary r = outcome.summary();
    out.printf(
        "%s: %d frames in %.1f s (%.0f frames/s), model %s%n",
        outcome.video().getFileName(),
        r.frames(),
        r.elapsedSeconds(),
        r.framesPerSecond(),
        r.model());
    if (r.decode() != null) {
      out.println("decoder: " + r.decode().summary());
    }
    if (r.versions().size() > 1) {
      out.println("models (hot swaps while it ran):");
      for (VersionSpan v : r.versions()) {
        String accuracy =
            v.labels() == null || v.labels().labeledFrames() == 0
                ? ""
                : String.format(", accuracy %.2f%%", 100 * v.labels().accuracy());
        out.printf(
            "  %s: frames %d-%d (%d)%s%n",
            v.model(), v.firstFrame(), v.lastFrame(), v.frames(), accuracy);
      }
    }
    out.println("frames per label (best label of each frame):");
    int width = r.classNames().stream().mapToInt(String::length).max().orElse(5);
    long[] counts = r.perClass();
    for (int c = 0; c < counts.length; c++) {
      out.printf(
          "  %-" + width + "s %7d  %5.1f%%%n",
          r.classNames().get(c),
          counts[c],
          r.frames() > 0 ? 100.0 * counts[c] / r.frames() : 0);
    }
    LabelAccuracy labels = r.labels();
    if (labels != null && labels.labeledFrames() > 0) {
      out.printf(
          "accuracy: %.2f%% on %d labeled frames%n",
          100 * labels.accuracy(), labels.labeledFrames());
    }
    if (labels != null && labels.labelRows() > 0 && labels.labelRows() != r.frames()) {
      out.printf(
          "note: the label file lists %d frames but %d were decoded%n",
          labels.labelRows(), r.frames());
    }
    out.println("results: " + results);
    out.flush();
  }
}

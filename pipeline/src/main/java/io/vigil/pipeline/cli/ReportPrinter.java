package io.vigil.pipeline.cli;

import io.vigil.pipeline.analyze.FileOutcome;
import io.vigil.pipeline.result.LabelAccuracy;
import io.vigil.pipeline.result.StreamSummary;
import io.vigil.pipeline.result.VersionSpan;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Prints what one analysed video gave: totals, what the decoder lost, labels per class. */
final class ReportPrinter {

  /** Above this many classes, labels no frame got are left out of the per-label counts. */
  static final int MANY_CLASSES = 20;

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
    perLabel(r.classNames(), r.perClass(), r.frames(), out);
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

  /**
   * The frames each label got, one line per label; with more than {@link #MANY_CLASSES} classes
   * only the labels some frame got.
   */
  static void perLabel(List<String> classNames, long[] counts, long frames, PrintWriter out) {
    // A model of many classes (an ImageNet one has 1,000) would print a screen of zeros: list
    // only the labels some frame got, and say how many were left out.
    boolean onlySeen = counts.length > MANY_CLASSES;
    long unseen = Arrays.stream(counts).filter(n -> n == 0).count();
    out.println(
        "frames per label (best label of each frame)"
            + (onlySeen && unseen > 0 ? ", " + unseen + " labels no frame got left out" : "")
            + ":");
    int width = classNames.stream().mapToInt(String::length).max().orElse(5);
    for (int c = 0; c < counts.length; c++) {
      if (onlySeen && counts[c] == 0) {
        continue;
      }
      out.printf(
          "  %-" + width + "s %7d  %5.1f%%%n",
          classNames.get(c),
          counts[c],
          frames > 0 ? 100.0 * counts[c] / frames : 0);
    }
  }
}

package io.vigil.pipeline.cli;

import io.vigil.pipeline.analyze.AnalyzeReport;
import java.io.PrintWriter;

/** Prints the summary of an analysis run: totals, what the decoder lost, labels per class. */
final class ReportPrinter {

  private ReportPrinter() {}

  static void print(AnalyzeReport r, PrintWriter out) {
    out.printf(
        "%s: %d frames in %.1f s (%.0f frames/s), model %s%n",
        r.video().getFileName(),
        r.frames(),
        r.elapsed().toNanos() / 1e9,
        r.framesPerSecond(),
        r.modelVersion());
    out.println("decoder: " + r.decode().summary());
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
    if (r.accuracy().isPresent()) {
      out.printf(
          "accuracy: %.2f%% on %d labeled frames%n",
          100 * r.accuracy().getAsDouble(), r.labeledFrames());
    }
    if (r.labelFrames() > 0 && r.labelFrames() != r.frames()) {
      out.printf(
          "note: the label file lists %d frames but %d were decoded%n",
          r.labelFrames(), r.frames());
    }
    out.println("results: " + r.results());
    out.flush();
  }
}

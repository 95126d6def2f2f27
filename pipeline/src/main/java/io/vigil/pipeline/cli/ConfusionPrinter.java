package io.vigil.pipeline.cli;

import java.io.PrintWriter;
import java.util.List;

/** Prints a confusion matrix (rows: true class, columns: predicted) with per-class recall. */
final class ConfusionPrinter {

  private ConfusionPrinter() {}

  static void print(int[][] confusion, List<String> classNames, PrintWriter out) {
    int width = classNames.stream().mapToInt(String::length).max().orElse(4);
    out.println("confusion matrix (rows: true class, columns: predicted, in class order):");
    for (int t = 0; t < confusion.length; t++) {
      StringBuilder row = new StringBuilder(String.format("  %-" + width + "s", classNames.get(t)));
      long total = 0;
      for (int count : confusion[t]) {
        row.append(String.format(" %5d", count));
        total += count;
      }
      double recall = total > 0 ? 100.0 * confusion[t][t] / total : 0;
      out.println(row.append(String.format("   %5.1f%% right", recall)));
    }
  }
}

package io.vigil.pipeline.cli;

import java.io.PrintWriter;

/**
 * Draws a progress line on the error stream. On a terminal the line is redrawn in place; when the
 * output goes to a file or a pipe each update is a line of its own, so logs stay readable.
 */
final class ConsoleProgress {

  private final PrintWriter err;
  private final boolean inPlace;
  private boolean open;

  ConsoleProgress(PrintWriter err) {
    this.err = err;
    this.inPlace = System.console() != null;
  }

  void show(String line) {
    if (inPlace) {
      err.print("\r\033[2K" + line);
      open = true;
    } else {
      err.println(line);
    }
    err.flush();
  }

  /** Ends the in-place line so that what follows starts on a fresh one. */
  void done() {
    if (open) {
      err.println();
      open = false;
    }
  }

  static String duration(double seconds) {
    if (!Double.isFinite(seconds) || seconds < 0) {
      return "?";
    }
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
        : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
  }
}

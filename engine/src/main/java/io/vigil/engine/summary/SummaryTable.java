package io.vigil.engine.summary;

import io.vigil.engine.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders a {@link NetworkSummary} as a text table, one line per layer, totals at the end. */
public final class SummaryTable {

  private SummaryTable() {}

  public static List<String> render(NetworkSummary summary) {
    int nameWidth = 5;
    for (NetworkSummary.Row r : summary.rows()) {
      nameWidth = Math.max(nameWidth, r.name().length());
    }
    String format = "%-" + nameWidth + "s  %-18s %-15s %13s %13s %15s";
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            format, "layer", "type", "output C×H×W", "activations", "parameters", "multiply-adds"));
    lines.add(
        String.format(
            format,
            "input",
            "",
            shape(summary.input()),
            group(summary.input().perImage()),
            "",
            ""));
    for (NetworkSummary.Row r : summary.rows()) {
      lines.add(
          String.format(
              format,
              r.name(),
              r.type(),
              shape(r.output()),
              group(r.activations()),
              r.parameters() == 0 ? "" : group(r.parameters()),
              r.multiplyAdds() == 0 ? "" : group(r.multiplyAdds())));
    }
    lines.add(
        String.format(
            "total: %s parameters (%.1f MB as float32)%s, %s activations per image (%.1f MB forward,"
                + " about twice that to train), %s multiply-adds (%s; %sFLOPs) per image",
            group(summary.totalParameters()),
            summary.totalParameters() * 4 / 1e6,
            summary.totalState() > 0
                ? String.format(" + %s state values", group(summary.totalState()))
                : "",
            group(summary.totalActivations()),
            summary.totalActivations() * 4 / 1e6,
            group(summary.totalMultiplyAdds()),
            scaled(summary.totalMultiplyAdds()),
            scaled(2 * summary.totalMultiplyAdds())));
    if (summary.totalKeptAtInference() > 0) {
      lines.add(
          String.format(
              "inference on the CPU also keeps %s floats (%.1f MB) of filters transformed for"
                  + " Winograd's F(2×2, 3×3) beside its 3×3 weights",
              group(summary.totalKeptAtInference()), summary.totalKeptAtInference() * 4 / 1e6));
    }
    return lines;
  }

  private static String shape(Shape s) {
    return s.c() + "×" + s.h() + "×" + s.w();
  }

  /**
   * {@code n} in millions or billions with three significant digits ({@code 0.417 M}, {@code 15.5
   * G}), so that LeNet's count does not read as zero.
   */
  static String scaled(long n) {
    double value = n >= 1e9 ? n / 1e9 : n / 1e6;
    String unit = n >= 1e9 ? " G" : " M";
    String digits = value >= 100 ? "%.0f" : value >= 10 ? "%.1f" : value >= 1 ? "%.2f" : "%.3f";
    return String.format(Locale.ROOT, digits, value) + unit;
  }

  private static String group(long n) {
    return String.format("%,d", n);
  }
}

package io.vigil.pipeline.bench;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The streams' capture-to-result latency over a window, from two scrapes of {@code /metrics}: the
 * difference of the {@code vigil_result_latency_seconds} bucket counts is the histogram of the
 * results in between, and a quantile is the upper bound of the bucket that holds it (what {@code
 * histogram_quantile} would interpolate within).
 */
final class LatencyWindow {

  private static final Pattern BUCKET =
      Pattern.compile(
          "^vigil_result_latency_seconds_bucket\\{stream=\"((?:\\\\.|[^\"\\\\])*)\",le=\"([^\"]+)\"} (\\S+)$",
          Pattern.MULTILINE);

  private LatencyWindow() {}

  /**
   * The window's figures, seconds: results counted, p50 and p99 over all streams, and the stream
   * with the highest p99.
   */
  record Summary(double results, double p50, double p99, String worstStream, double worstP99) {}

  static void print(String before, String after) {
    Summary s = summarize(before, after);
    System.out.printf(
        Locale.ROOT,
        "stream latency over the load window (from /metrics, bucket upper bounds): %.0f results,"
            + " p50 <= %.0f ms, p99 <= %.0f ms over all streams; worst stream %s p99 <= %.0f ms%n",
        s.results(),
        s.p50() * 1000,
        s.p99() * 1000,
        s.worstStream(),
        s.worstP99() * 1000);
  }

  static Summary summarize(String before, String after) {
    Map<String, TreeMap<Double, Double>> a = buckets(after);
    Map<String, TreeMap<Double, Double>> b = buckets(before);
    TreeMap<Double, Double> total = new TreeMap<>();
    double worst = 0;
    String worstStream = "";
    for (var e : a.entrySet()) {
      TreeMap<Double, Double> delta = new TreeMap<>();
      for (var le : e.getValue().entrySet()) {
        double was = b.getOrDefault(e.getKey(), new TreeMap<>()).getOrDefault(le.getKey(), 0.0);
        delta.put(le.getKey(), le.getValue() - was);
        total.merge(le.getKey(), le.getValue() - was, Double::sum);
      }
      double p99 = quantile(delta, 0.99);
      if (p99 > worst) {
        worst = p99;
        worstStream = e.getKey();
      }
    }
    return new Summary(
        total.isEmpty() ? 0 : total.lastEntry().getValue(),
        quantile(total, 0.5),
        quantile(total, 0.99),
        worstStream,
        worst);
  }

  private static Map<String, TreeMap<Double, Double>> buckets(String text) {
    Map<String, TreeMap<Double, Double>> out = new TreeMap<>();
    Matcher m = BUCKET.matcher(text);
    while (m.find()) {
      double le =
          m.group(2).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(2));
      out.computeIfAbsent(m.group(1), k -> new TreeMap<>()).put(le, Double.parseDouble(m.group(3)));
    }
    return out;
  }

  /** The upper bound of the bucket holding the q-quantile of cumulative counts by bound. */
  private static double quantile(TreeMap<Double, Double> cumulative, double q) {
    if (cumulative.isEmpty() || cumulative.lastEntry().getValue() <= 0) {
      return Double.NaN;
    }
    double rank = q * cumulative.lastEntry().getValue();
    for (var e : cumulative.entrySet()) {
      if (e.getValue() >= rank) {
        return e.getKey();
      }
    }
    return Double.POSITIVE_INFINITY;
  }
}

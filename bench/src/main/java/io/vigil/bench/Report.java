package io.vigil.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Runs the benchmarks JMH's command line selects (the same options as {@code
 * org.openjdk.jmh.Main}), then prints one line per result: time per call, and where the work is
 * counted, GFLOP/s and the percentage of the FP32 peak that {@link Fp32Peak} measured on as many
 * threads in the same run. Convolutions count their direct-equivalent operations, so Winograd can
 * pass 100 %.
 */
public final class Report {

  private Report() {}

  public static void main(String[] args) throws Exception {
    CommandLineOptions options = new CommandLineOptions(args);
    if (options.shouldHelp()
        || options.shouldList()
        || options.shouldListWithParams()
        || options.shouldListProfilers()
        || options.shouldListResultFormats()) {
      // Listings and help run nothing: JMH's own front end answers them.
      org.openjdk.jmh.Main.main(args);
      return;
    }
    Collection<RunResult> results = new Runner(options).run();
    Map<Integer, Double> peak = new HashMap<>();
    List<Line> lines = new ArrayList<>();
    for (RunResult r : results) {
      Line line = Line.of(r);
      lines.add(line);
      if (line.benchmark.startsWith("Fp32Peak.")) {
        peak.put(line.threads, line.gflops);
      }
    }
    System.out.printf(
        "%-34s %-24s %3s %12s %9s %8s%n",
        "benchmark", "parameters", "thr", "us/call", "GFLOP/s", "of peak");
    for (Line line : lines) {
      Double p = peak.get(line.threads);
      System.out.printf(
          "%-34s %-24s %3d %12.1f %9s %8s%n",
          line.benchmark,
          line.parameters,
          line.threads,
          line.micros,
          Double.isNaN(line.gflops) ? "" : String.format("%.1f", line.gflops),
          Double.isNaN(line.gflops) || p == null
              ? ""
              : String.format("%.0f %%", 100 * line.gflops / p));
    }
  }

  /** One result: the benchmark's short name, its parameters, threads doing the work, figures. */
  private record Line(
      String benchmark, String parameters, int threads, double micros, double gflops) {

    static Line of(RunResult r) {
      BenchmarkParams params = r.getParams();
      String name = params.getBenchmark();
      String shortName = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
      double micros = r.getPrimaryResult().getScore();
      if (!"us/op".equals(r.getPrimaryResult().getScoreUnit())) {
        throw new IllegalStateException(
            name + ": expected us/op, got " + r.getPrimaryResult().getScoreUnit());
      }
      StringBuilder text = new StringBuilder();
      for (String key : params.getParamsKeys()) {
        text.append(text.length() == 0 ? "" : " ").append(params.getParam(key));
      }
      int threads;
      double flops;
      if (shortName.startsWith("GemmBench.")) {
        threads = Integer.parseInt(params.getParam("threads"));
        flops = GemmShape.named(params.getParam("shape")).flops();
      } else if (shortName.startsWith("ConvolutionBench.")) {
        threads = ConvolutionBench.THREADS;
        flops = ConvLayer.named(params.getParam("layer")).flops();
      } else if (shortName.startsWith("Fp32Peak.")) {
        // JMH's threads each run a call: the time per call is each thread's.
        threads = params.getThreads();
        flops = Fp32Peak.flopsPerCall() * threads;
      } else {
        threads = ConvolutionBench.THREADS;
        flops = Double.NaN;
      }
      return new Line(shortName, text.toString(), threads, micros, flops / micros / 1e3);
    }
  }
}

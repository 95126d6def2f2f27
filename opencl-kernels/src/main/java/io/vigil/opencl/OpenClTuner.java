package io.vigil.opencl;

import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Finds the GEMM tuning values for one device by trying them ({@code vigil tune}): every {@code
 * GEMM_RM × GEMM_VW} candidate on the products {@code gemm_vec} runs (a square product and a
 * convolution forward), then every {@code GEMM_DOT} on the products {@code gemm_nt} runs (a
 * convolution weight gradient and a linear layer), scored by the geometric mean of GFLOP/s ({@code
 * 2·m·n·k} per product). {@link #writeRow} puts the winner in the user's tuning table ({@link
 * TuningTable#userFile()}), keyed by the device name, where every later backend on that device
 * picks it up.
 */
public final class OpenClTuner {

  /** One candidate and its score. */
  public record Trial(Map<String, String> values, double gflops) {}

  private final OpenClDevice device;
  private final double secondsPerShape;

  public OpenClTuner(OpenClDevice device, double secondsPerShape) {
    this.device = device;
    this.secondsPerShape = secondsPerShape;
  }

  /** The register blocks worth trying: rows 4, 6, 8, 12 by vector widths 4, 8, 16. */
  public static List<Map<String, String>> vecCandidates() {
    List<Map<String, String>> c = new ArrayList<>();
    for (int vw : new int[] {4, 8, 16}) {
      for (int rm : new int[] {4, 6, 8, 12}) {
        c.add(Map.of("GEMM_RM", Integer.toString(rm), "GEMM_VW", Integer.toString(vw)));
      }
    }
    return c;
  }

  /** Dot-product blocks worth trying: 1 to 4 square. */
  public static List<Map<String, String>> dotCandidates() {
    return List.of(
        Map.of("GEMM_DOT", "1"), Map.of("GEMM_DOT", "2"),
        Map.of("GEMM_DOT", "3"), Map.of("GEMM_DOT", "4"));
  }

  /** Products of the A·B and Aᵀ·B kind (gemm_vec): a square and a convolution forward. */
  public static List<GemmOp> vecShapes() {
    return List.of(
        GemmOp.of(false, false, 512, 512, 512, 1f, 0f),
        GemmOp.of(false, false, 64, 784, 576, 1f, 0f).batched(8, 0, 576 * 784, 64 * 784));
  }

  /** Products of the A·Bᵀ kind (gemm_nt): a weight gradient summed over a batch, a linear layer. */
  public static List<GemmOp> dotShapes() {
    return List.of(
        GemmOp.of(false, true, 64, 576, 784, 1f, 1f).batched(8, 64 * 784, 576 * 784, 0),
        GemmOp.of(false, true, 64, 1000, 512, 1f, 0f));
  }

  /**
   * Tries {@code values} over {@code base} for each candidate on {@code shapes}; the trials, best
   * first.
   */
  public List<Trial> tune(
      Map<String, String> base, List<Map<String, String>> candidates, List<GemmOp> shapes) {
    List<Trial> trials = new ArrayList<>();
    for (Map<String, String> candidate : candidates) {
      Map<String, String> values = new LinkedHashMap<>(base);
      values.putAll(candidate);
      // Keyed by the device's own name, so the candidate wins over any shipped device row.
      TuningTable table = row(key(device.name()), values).over(TuningTable.shipped());
      double logSum = 0;
      try (OpenClBackend backend = OpenClBackend.on(device, table)) {
        for (GemmOp op : shapes) {
          logSum += Math.log(gflops(backend, op));
        }
      }
      trials.add(new Trial(Map.copyOf(candidate), Math.exp(logSum / shapes.size())));
    }
    trials.sort((a, b) -> Double.compare(b.gflops(), a.gflops()));
    return trials;
  }

  private double gflops(OpenClBackend b, GemmOp op) {
    try (Tensor a = random(b, (op.batch() - 1) * op.strideA() + op.m() * op.k(), 1);
        Tensor bb = random(b, (op.batch() - 1) * op.strideB() + op.k() * op.n(), 2);
        Tensor c = random(b, (op.batch() - 1) * op.strideC() + op.m() * op.n(), 3)) {
      b.gemm(op, a, 0, bb, 0, c, 0, null);
      b.finish();
      long start = System.nanoTime();
      int runs = 0;
      do {
        b.gemm(op, a, 0, bb, 0, c, 0, null);
        b.finish();
        runs++;
      } while (System.nanoTime() - start < secondsPerShape * 1e9);
      double flops = 2.0 * op.m() * op.n() * op.k() * op.batch() * runs;
      return flops / ((System.nanoTime() - start) / 1e9) / 1e9;
    }
  }

  private static Tensor random(OpenClBackend b, int size, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      v[i] = (float) r.nextDouble(-1, 1);
    }
    Tensor t = b.allocate(new Shape(1, size, 1, 1));
    b.upload(v, 0, t, 0, size);
    return t;
  }

  private static TuningTable row(String key, Map<String, String> values) {
    try {
      return TuningTable.parse(
          new BufferedReader(new StringReader(key + " | " + TuningTable.pairs(values))), "tuner");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String key(String deviceName) {
    return deviceName.toLowerCase(Locale.ROOT).replace('|', ' ').strip();
  }

  /**
   * Puts {@code DEVICE_NAME | values} into the tuning table {@code file}, replacing a row with the
   * same key; other rows and comments stay. Written atomically (temp file, then rename).
   */
  public static void writeRow(Path file, String deviceName, Map<String, String> values)
      throws IOException {
    String key = key(deviceName);
    List<String> lines = new ArrayList<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int bar = line.indexOf('|');
        boolean same =
            !line.strip().startsWith("#")
                && bar > 0
                && line.substring(0, bar).strip().toLowerCase(Locale.ROOT).equals(key);
        if (!same) {
          lines.add(line);
        }
      }
    } else {
      lines.add("# OpenCL tuning rows written by vigil tune; same format as kernels/tuning.txt.");
    }
    lines.add(key + " | " + TuningTable.pairs(values));
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "opencl-tuning", ".tmp");
    Files.write(temp, lines, StandardCharsets.UTF_8);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Tunes the device {@code spec} names, reporting every trial to {@code out}, and with {@code
   * write} stores the best row in the user's tuning table ({@link TuningTable#userFile()}).
   *
   * @param secondsPerShape time spent timing each candidate on each shape
   */
  public static void run(String spec, boolean write, double secondsPerShape, Consumer<String> out)
      throws IOException {
    OpenClDevice device = OpenClDevices.choose(spec);
    OpenClTuner tuner = new OpenClTuner(device, secondsPerShape);
    out.accept("# tuning " + device.describe());
    List<Trial> vec = tuner.tune(Map.of(), vecCandidates(), vecShapes());
    vec.forEach(
        t ->
            out.accept(
                String.format(Locale.ROOT, "gemm_vec %s: %.1f GFLOP/s", t.values(), t.gflops())));
    List<Trial> dot = tuner.tune(vec.get(0).values(), dotCandidates(), dotShapes());
    dot.forEach(
        t ->
            out.accept(
                String.format(Locale.ROOT, "gemm_nt %s: %.1f GFLOP/s", t.values(), t.gflops())));
    Map<String, String> best = new LinkedHashMap<>(vec.get(0).values());
    best.putAll(dot.get(0).values());
    out.accept("best: " + device.name() + " | " + TuningTable.pairs(best));
    if (write) {
      Path file = TuningTable.userFile();
      writeRow(file, device.name(), best);
      out.accept("written to " + file);
    }
  }

  /**
   * {@code OpenClTuner [DEVICE] [--write]}: tunes the device, prints every trial, and with {@code
   * --write} stores the best row in the user's tuning table. Same as {@code vigil tune}.
   */
  public static void main(String[] args) throws IOException {
    String spec = "";
    boolean write = false;
    for (String a : args) {
      if (a.equals("--write")) {
        write = true;
      } else {
        spec = a;
      }
    }
    run(spec, write, 0.5, System.out::println);
  }
}

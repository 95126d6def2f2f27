package io.vigil.onnx;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.Backends;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.Predictor;
import io.vigil.engine.network.Network;
import io.vigil.engine.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The conformance fixtures: ONNX files exported by PyTorch, each with a batch of inputs and
 * PyTorch's outputs for them, written by {@code src/test/python/make_fixtures.py} (its docstring
 * lists the cases). They are generated once per test JVM into {@code target/onnx-fixtures/} and
 * reused by later runs while {@code target/onnx-fixtures/stamp} holds the SHA-256 of the script, so
 * a fresh clone generates them once and a changed script regenerates them.
 *
 * <p>The rule every comparison uses, for a reference {@code r} (PyTorch's, or vigil's own in round
 * trips) and an output {@code a} of the same length:
 *
 * <pre>
 *   max_i |a_i − r_i|  ≤  1e-4 · max_i |r_i|
 * </pre>
 *
 * an error relative to the largest reference value, however small the outputs are: float32 networks
 * that sum thousands of products in another order differ by far less, while a wrongly mapped
 * operator (a missing bias, alpha against alpha/size, padding counted or not) differs by far more.
 */
final class OnnxFixtures {

  /** The tolerance factor of the comparison rule. */
  static final double TOLERANCE = 1e-4;

  static final Path DIR = Path.of("target/onnx-fixtures");
  private static final String SCRIPT = "make_fixtures.py";
  private static final Path SCRIPT_PATH = Path.of("src/test/python", SCRIPT);
  private static final long GENERATION_TIMEOUT_SECONDS = 900;

  private static List<Case> cases;
  private static Backend openCl;

  private OnnxFixtures() {}

  /**
   * One fixture: {@code NAME.onnx}, {@code NAME.input.bin} ({@code input} shape, float32
   * little-endian) and {@code NAME.output.bin} (PyTorch's outputs, {@code output} shape).
   *
   * @param softmax whether the model ends in a softmax (its outputs are probabilities)
   * @param ops the ONNX operator types the file holds
   * @param entry the whole manifest entry (LeNet-5's test accuracy, ...)
   */
  record Case(
      String name,
      int opset,
      int[] input,
      int[] output,
      boolean softmax,
      List<String> ops,
      JsonNode entry) {

    Path onnx() {
      return DIR.resolve(name + ".onnx");
    }

    int batch() {
      return input[0];
    }

    float[] inputs() {
      return readFloats(DIR.resolve(name + ".input.bin"), product(input));
    }

    /** PyTorch's outputs for {@link #inputs()}. */
    float[] outputs() {
      return readFloats(DIR.resolve(name + ".output.bin"), product(output));
    }

    /** Imports the file with default options on {@code backend}. */
    Model read(Backend backend) throws OnnxFormatException {
      return OnnxImport.read(onnx(), ImportOptions.defaults(), backend);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** Every case of the manifest, generating the fixtures first where needed. */
  static synchronized List<Case> cases() {
    if (cases == null) {
      cases = load(ensureGenerated());
    }
    return cases;
  }

  /**
   * One OpenCL backend for the whole test JVM: the device of {@code -Dvigil.opencl.device}, else
   * the provider's default (PoCL on a machine without a GPU). Fails, saying what to install, where
   * there is none.
   */
  static synchronized Backend openCl() {
    if (openCl == null) {
      String device = System.getProperty("vigil.opencl.device", "");
      try {
        openCl = Backends.create(device.isEmpty() ? "opencl" : "opencl:" + device);
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "the OpenCL conformance tests need an OpenCL device (on Debian: apt install"
                + " pocl-opencl-icd)",
            e);
      }
    }
    return openCl;
  }

  /** The case called {@code name}. */
  static Case get(String name) {
    return cases().stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no fixture called " + name));
  }

  /** The one-operator cases (those named NAME_opN). */
  static Stream<Case> operatorCases() {
    return cases().stream().filter(c -> c.name().matches(".*_op\\d+"));
  }

  /** The manifest, after generating the fixtures unless the stamp matches the script. */
  private static Path ensureGenerated() {
    try {
      String digest = sha256(Files.readAllBytes(SCRIPT_PATH));
      Path stamp = DIR.resolve("stamp");
      if (Files.isRegularFile(stamp) && Files.readString(stamp).strip().equals(digest)) {
        return DIR.resolve("manifest.json");
      }
      deleteTree(DIR);
      Files.createDirectories(DIR);
      // The script prints how long each case took; its log goes into the test output.
      String log = Python.run(SCRIPT, GENERATION_TIMEOUT_SECONDS, DIR.toString());
      System.out.printf("ONNX fixtures generated:%n%s%n", log);
      Files.writeString(stamp, digest + "\n");
      return DIR.resolve("manifest.json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while generating the ONNX fixtures", e);
    }
  }

  private static List<Case> load(Path manifest) {
    try {
      JsonNode root = new ObjectMapper().readTree(manifest.toFile());
      List<Case> list = new ArrayList<>();
      for (JsonNode c : root.get("cases")) {
        List<String> ops = new ArrayList<>();
        c.get("ops").forEach(op -> ops.add(op.asText()));
        list.add(
            new Case(
                c.get("name").asText(),
                c.get("opset").asInt(),
                ints(c.get("input")),
                ints(c.get("output")),
                c.get("softmax").asBoolean(),
                List.copyOf(ops),
                c));
      }
      return List.copyOf(list);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + manifest, e);
    }
  }

  /**
   * Imports case {@code c} on {@code backend}, runs its inputs and compares with PyTorch's outputs
   * by the rule of this class: the network's outputs (logits), or, for a model that ends in a
   * softmax (which the import leaves to the predictor), the {@link Predictor}'s probabilities.
   * Prints and returns the worst error.
   */
  static double checkAgainstPyTorch(Case c, Backend backend) throws OnnxFormatException {
    Model model = c.read(backend);
    float[] input = c.inputs();
    float[] expected = c.outputs();
    float[] actual;
    if (c.softmax()) {
      actual = new float[expected.length];
      try (Predictor predictor = model.newPredictor(c.batch())) {
        predictor.predict(input, c.batch(), actual);
      }
    } else {
      actual = logits(model, input);
    }
    double worst =
        assertClose(
            c.name() + " (opset " + c.opset() + ") on " + backend.name() + " against PyTorch",
            expected,
            actual);
    System.out.printf(
        "conformance %-22s opset %2d  %-18s worst error %.2e of max|r|%n",
        c.name(), c.opset(), backend.name(), worst);
    return worst;
  }

  /**
   * Runs {@code model}'s network (no softmax: the last node's outputs) on a batch of {@code input}
   * and returns its outputs.
   */
  static float[] logits(Model model, float[] input) {
    Network network = model.network();
    Backend backend = network.backend();
    int batch = input.length / network.inputShape().perImage();
    Tensor x = backend.allocate(network.inputShape().withBatch(batch));
    backend.upload(input, 0, x, 0, input.length);
    Tensor y = network.newExecutor(batch, false).forward(x, false);
    float[] out = new float[y.size()];
    backend.download(y, 0, out, 0, out.length);
    return out;
  }

  /**
   * Fails unless {@code actual} matches {@code reference} by the rule of this class; the message
   * names the worst index with both values. Returns the worst error as a fraction of the bound's
   * scale, {@code max|a − r| / max|r|}, for reports.
   */
  static double assertClose(String what, float[] reference, float[] actual) {
    if (reference.length != actual.length) {
      fail(what + ": " + actual.length + " values, the reference has " + reference.length);
    }
    // The smallest normal float keeps an all-zero reference from dividing by zero.
    double scale = Float.MIN_NORMAL;
    for (float r : reference) {
      scale = Math.max(scale, Math.abs(r));
    }
    int worst = 0;
    double worstError = -1;
    for (int i = 0; i < reference.length; i++) {
      double error = Math.abs((double) actual[i] - reference[i]);
      if (!(error <= worstError)) { // NaN is the worst of all
        worst = i;
        worstError = Double.isNaN(error) ? Double.POSITIVE_INFINITY : error;
      }
    }
    double bound = TOLERANCE * scale;
    if (!(worstError <= bound)) {
      fail(
          String.format(
              "%s: max|a − r| = %.3g at index %d of %d (%.9g against the reference's %.9g) exceeds"
                  + " 1e-4 · max|r| = %.3g",
              what, worstError, worst, reference.length, actual[worst], reference[worst], bound));
    }
    return worstError / scale;
  }

  static float[] readFloats(Path file, int count) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length != 4L * count) {
        throw new IllegalStateException(
            file + " holds " + bytes.length + " bytes, expected " + 4L * count);
      }
      float[] values = new float[count];
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
      return values;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int product(int[] dims) {
    int n = 1;
    for (int d : dims) {
      n *= d;
    }
    return n;
  }

  private static int[] ints(JsonNode array) {
    int[] values = new int[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).asInt();
    }
    return values;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

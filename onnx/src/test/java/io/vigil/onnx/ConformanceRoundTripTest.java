package io.vigil.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.model.Model;
import io.vigil.onnx.OnnxFixtures.Case;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Round trips through ONNX, each compared with the rule of {@link OnnxFixtures} against the outputs
 * of the model as first imported (vigil's own logits on the fixture's inputs, CPU backend):
 *
 * <ul>
 *   <li>ONNX → vigil → ONNX ({@link OnnxExport}) → vigil keeps the outputs, the input contract and
 *       the class names;
 *   <li>vigil → ONNX → OpenCV's DNN module ({@code opencv_run.py}, all models in one process) gives
 *       vigil's outputs.
 * </ul>
 *
 * Every fixture but AlexNet and VGG-11, whose 228 and 515 MB of weights would be exported, parsed
 * and run twice more without touching an operator the others do not.
 */
class ConformanceRoundTripTest {

  private static final Path WORK = Path.of("target/onnx-roundtrip");
  private static final Set<String> LEFT_OUT = Set.of("alexnet", "vgg11");

  /** Per case: the first import's outputs, input contract and class names. */
  private static final Map<String, float[]> FIRST = new HashMap<>();

  private static final Map<String, String> CONTRACT = new HashMap<>();

  private static final Map<String, List<String>> CLASSES = new HashMap<>();

  /** Per case: why its import or export failed. */
  private static final Map<String, String> FAILED = new HashMap<>();

  static List<Case> cases() {
    return OnnxFixtures.cases().stream().filter(c -> !LEFT_OUT.contains(c.name())).toList();
  }

  /**
   * The cases OpenCV 4.6 can run: it ignores {@code dilations} on ConvTranspose (PyTorch's own
   * export of the {@code conv_transpose} fixtures gives the same wrong output size there), so those
   * are checked by the round trip through vigil above and ONNX's checker, not by OpenCV.
   */
  static List<Case> openCvCases() {
    return cases().stream().filter(c -> !c.name().startsWith("conv_transpose")).toList();
  }

  /** Imports and exports every case, then runs OpenCV once on all the exported files. */
  @BeforeAll
  static void exportAll() throws Exception {
    Files.createDirectories(WORK);
    try (var old = Files.list(WORK)) {
      for (Path p : old.toList()) {
        Files.delete(p);
      }
    }
    StringBuilder list = new StringBuilder();
    for (Case c : cases()) {
      try {
        Model model = c.read(CpuBackend.shared());
        float[] input = c.inputs();
        FIRST.put(c.name(), OnnxFixtures.logits(model, input));
        CONTRACT.put(c.name(), contract(model));
        CLASSES.put(c.name(), model.classNames());
        OnnxExport.write(model, WORK.resolve(c.name() + ".onnx"));
        Files.copy(
            OnnxFixtures.DIR.resolve(c.name() + ".input.bin"),
            WORK.resolve(c.name() + ".input.bin"));
        list.append(c.name())
            .append(' ')
            .append(
                IntStream.of(c.input())
                    .mapToObj(Integer::toString)
                    .collect(Collectors.joining(" ")))
            .append('\n');
      } catch (IOException | RuntimeException e) {
        FAILED.put(c.name(), e.toString());
      }
    }
    Files.writeString(WORK.resolve("cases.txt"), list.toString());
    System.out.println(Python.run("opencv_run.py", 600, WORK.toString()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void onnxToVigilToOnnxToVigilKeepsTheOutputs(Case c) throws Exception {
    float[] first = first(c);
    Model again =
        OnnxImport.read(
            WORK.resolve(c.name() + ".onnx"), ImportOptions.defaults(), CpuBackend.shared());
    assertEquals(CONTRACT.get(c.name()), contract(again), "input contract after the round trip");
    assertEquals(CLASSES.get(c.name()), again.classNames(), "class names after the round trip");
    double worst =
        OnnxFixtures.assertClose(
            c.name() + ": exported by vigil and imported again, against the first import",
            first,
            OnnxFixtures.logits(again, c.inputs()));
    System.out.printf("conformance round trip %-22s worst error %.2e%n", c.name(), worst);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("openCvCases")
  void openCvRunsVigilsExportToVigilsOutputs(Case c) throws Exception {
    float[] first = first(c);
    Path error = WORK.resolve(c.name() + ".error.txt");
    if (Files.exists(error)) {
      fail(c.name() + ": OpenCV could not run vigil's export: " + Files.readString(error));
    }
    Path result = WORK.resolve(c.name() + ".opencv.bin");
    long values = Files.size(result) / 4;
    if (values != first.length) {
      fail(
          c.name()
              + ": OpenCV DNN gives "
              + values
              + " values for vigil's export, vigil "
              + first.length
              + " (the fixture's batch of "
              + c.batch()
              + ")");
    }
    double worst =
        OnnxFixtures.assertClose(
            c.name() + ": vigil's export run by OpenCV DNN, against vigil",
            first,
            OnnxFixtures.readFloats(result, first.length));
    System.out.printf("conformance opencv %-22s worst error %.2e%n", c.name(), worst);
  }

  private static String contract(Model model) {
    var c = model.input();
    return c.channels()
        + "×"
        + c.height()
        + "×"
        + c.width()
        + " mean "
        + c.mean()
        + " std "
        + c.std();
  }

  private static float[] first(Case c) {
    String why = FAILED.get(c.name());
    if (why != null) {
      fail(c.name() + ": import or export failed: " + why);
    }
    return FIRST.get(c.name());
  }
}

package io.vigil.onnx;

import static io.vigil.onnx.OnnxGraphs.attr;
import static io.vigil.onnx.OnnxGraphs.dims;
import static io.vigil.onnx.OnnxGraphs.ins;
import static io.vigil.onnx.OnnxGraphs.ints;
import static io.vigil.onnx.OnnxGraphs.outs;
import static io.vigil.onnx.OnnxGraphs.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.Backends;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.engine.train.Trainer;
import io.vigil.engine.train.TrainingConfig;
import io.vigil.engine.train.TrainingListener;
import io.vigil.engine.train.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an imported model is besides its graph: input contract, classes and name from options,
 * metadata or defaults; provenance; and that it is a vigil model like any other: saved and loaded
 * as a model file, trained, and run on OpenCL with the CPU's outputs.
 */
class OnnxContractTest {

  /** RGB 3×4×4 → Conv(2) → Flatten → Gemm(3): three outputs. */
  private static OnnxGraphs.Graph rgb() {
    Random r = new Random(8);
    return OnnxGraphs.graph(13)
        .input("x", "N", 3, 4, 4)
        .init("w", dims(2, 3, 3, 3), random(r, 54, 0.3))
        .init("fc", dims(3, 8), random(r, 24, 0.3))
        .node("Conv", "conv", ins("x", "w"), outs("y"))
        .node("Flatten", "flat", ins("y"), outs("f"))
        .node("Gemm", "fc", ins("f", "fc"), outs("out"), attr("transB", 1L))
        .output("out");
  }

  private static Model read(OnnxGraphs.Graph g, String file, ImportOptions options)
      throws OnnxFormatException {
    return OnnxImport.read(g.bytes(), file, options, OnnxGraphs.CPU);
  }

  @Test
  void withoutMetadataOrOptionsPixelsAreUnitScaledAndClassesNumbered() throws Exception {
    Model m = read(rgb(), "models/my net.v2.onnx", ImportOptions.defaults());
    assertEquals(new InputContract(3, 4, 4, 0f, 1f), m.input());
    assertEquals(List.of("0", "1", "2"), m.classNames());
    assertEquals("my_net.v2", m.name());
    String notes = m.provenance().notes();
    assertTrue(
        notes.contains("my net.v2.onnx")
            && notes.contains("vigil-tests 1")
            && notes.contains("opset 13"),
        notes);
  }

  @Test
  void vigilMetadataGivesPerChannelNormalisationClassesAndName() throws Exception {
    OnnxGraphs.Graph g =
        rgb()
            .metadata("vigil.mean", "0.485,0.456,0.406")
            .metadata("vigil.std", "0.229,0.224,0.225")
            .metadata("vigil.classes", "[\"cat\",\"dog, big\",\"bird\"]")
            .metadata("vigil.name", "pets");
    Model m = read(g, "x.onnx", ImportOptions.defaults());
    assertFalse(m.input().uniform());
    assertEquals(0.456f, m.input().mean(1));
    assertEquals(0.225f, m.input().std(2));
    assertEquals(List.of("cat", "dog, big", "bird"), m.classNames());
    assertEquals("pets", m.name());
  }

  @Test
  void commonMetadataKeysWhenTheVigilOnesAreAbsent() throws Exception {
    Model m =
        read(
            rgb()
                .metadata("class_names", "a, b ,c")
                .metadata("mean", "0.5")
                .metadata("std", "[0.25]"),
            "x.onnx",
            ImportOptions.defaults());
    assertEquals(List.of("a", "b", "c"), m.classNames());
    assertEquals(new InputContract(3, 4, 4, 0.5f, 0.25f), m.input());
    Model labels =
        read(rgb().metadata("labels", "[\"x\",\"y\",\"z\"]"), "x.onnx", ImportOptions.defaults());
    assertEquals(List.of("x", "y", "z"), labels.classNames());
  }

  @Test
  void optionsWinOverMetadata() throws Exception {
    OnnxGraphs.Graph g =
        rgb()
            .metadata("vigil.mean", "0.1,0.2,0.3")
            .metadata("vigil.classes", "[\"a\",\"b\",\"c\"]");
    ImportOptions options =
        new ImportOptions(
            "mine",
            new float[] {0.5f},
            new float[] {2f, 3f, 4f},
            List.of("p", "q", "r"),
            null,
            null);
    Model m = read(g, "x.onnx", options);
    assertEquals(
        InputContract.perChannel(3, 4, 4, new float[] {0.5f}, new float[] {2, 3, 4}), m.input());
    assertEquals(List.of("p", "q", "r"), m.classNames());
    assertEquals("mine", m.name());
  }

  @Test
  void normalisationThatDoesNotFitTheChannelsIsRefused() {
    OnnxFormatException e =
        assertThrows(
            OnnxFormatException.class,
            () ->
                read(rgb().metadata("vigil.mean", "0.1,0.2"), "x.onnx", ImportOptions.defaults()));
    assertTrue(e.getMessage().contains("2 values for 3 channels"), e.getMessage());
    e =
        assertThrows(
            OnnxFormatException.class,
            () ->
                read(rgb().metadata("vigil.std", "1,zero,1"), "x.onnx", ImportOptions.defaults()));
    assertTrue(e.getMessage().contains("vigil.std"), e.getMessage());
    e =
        assertThrows(
            OnnxFormatException.class,
            () -> read(rgb().metadata("vigil.std", "1,0,1"), "x.onnx", ImportOptions.defaults()));
    assertTrue(e.getMessage().contains("std"), e.getMessage());
  }

  @Test
  void savedAsAModelFileAndLoadedBackItGivesTheSameOutputs(@TempDir Path dir) throws Exception {
    Model m = OnnxFuzzTest.sampleModel();
    Path file = dir.resolve("imported.vgl");
    ModelFile.save(m, file);
    Model back = ModelFile.load(file, OnnxGraphs.CPU);
    assertEquals(m.version(), back.version());
    float[] x = random(new Random(3), 2 * m.input().size(), 1);
    assertArrayEquals(OnnxGraphs.run(m, x), OnnxGraphs.run(back, x));
    assertTrue(Files.size(file) > 0);
  }

  @Test
  void runsOnOpenClWithTheCpusOutputs() throws Exception {
    Backend cl = Backends.create("opencl");
    byte[] bytes = OnnxImportTest.lenet(13, new Random(4)).bytes();
    Model onCpu = OnnxImport.read(bytes, "lenet.onnx", ImportOptions.defaults(), OnnxGraphs.CPU);
    Model onCl = OnnxImport.read(bytes, "lenet.onnx", ImportOptions.defaults(), cl);
    assertEquals(onCpu.version(), onCl.version());
    float[] x = random(new Random(5), 4 * 28 * 28, 1);
    OnnxGraphs.assertClose(OnnxGraphs.run(onCpu, x), OnnxGraphs.run(onCl, x), 1e-4);
  }

  /**
   * A model imported with random convolution weights and a zero classifier (so it starts at chance)
   * learns a task: gray 8×8 images bright in the top half (class 0) or the bottom half (class 1).
   */
  @Test
  void anImportedModelTrains() throws Exception {
    Random r = new Random(9);
    OnnxGraphs.Graph g =
        OnnxGraphs.graph(11)
            .input("x", "N", 1, 8, 8)
            .init("w", dims(4, 1, 3, 3), random(r, 36, 0.3))
            .init("s", dims(4), new float[] {1, 1, 1, 1})
            .init("b", dims(4), new float[4])
            .init("m", dims(4), new float[4])
            .init("v", dims(4), new float[] {1, 1, 1, 1})
            .init("fc", dims(2, 64), new float[128])
            .init("fcb", dims(2), new float[2])
            .node("Conv", "conv", ins("x", "w"), outs("c"), ints("pads", 1, 1, 1, 1))
            .node("BatchNormalization", "bn", ins("c", "s", "b", "m", "v"), outs("n"))
            .node("Relu", "relu", ins("n"), outs("a"))
            .node(
                "MaxPool",
                "pool",
                ins("a"),
                outs("p"),
                ints("kernel_shape", 2, 2),
                ints("strides", 2, 2))
            .node("Flatten", "flat", ins("p"), outs("f"))
            .node("Gemm", "fc", ins("f", "fc", "fcb"), outs("out"), attr("transB", 1L))
            .output("out");
    Model m = g.load();
    LabeledImages train = halves(400, new Random(1));
    LabeledImages test = halves(200, new Random(2));
    double before = accuracy(m, test);
    TrainingConfig config = new TrainingConfig(3, 20, 0.05f, 0.9f, 0f, 4L);
    TrainingResult result =
        new Trainer(m.network(), m.input(), config).fit(train, test, TrainingListener.silent());
    assertTrue(
        result.testAccuracy() > 0.95 && result.testAccuracy() > before + 0.2,
        "accuracy " + before + " → " + result.testAccuracy());
  }

  private static LabeledImages halves(int count, Random r) {
    byte[] pixels = new byte[count * 64];
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = r.nextInt(2);
      for (int p = 0; p < 64; p++) {
        boolean top = p < 32;
        int base = top == (labels[i] == 0) ? 160 : 40;
        pixels[i * 64 + p] = (byte) (base + r.nextInt(60));
      }
    }
    return new LabeledImages(count, 8, 8, pixels, labels);
  }

  private static double accuracy(Model m, LabeledImages images) {
    float[] x = new float[images.count() * 64];
    for (int i = 0; i < x.length; i++) {
      x[i] = (images.pixels()[i] & 0xFF) / 255f;
    }
    float[] out = OnnxGraphs.run(m, x);
    int right = 0;
    for (int i = 0; i < images.count(); i++) {
      int guess = out[2 * i] >= out[2 * i + 1] ? 0 : 1;
      right += guess == images.labels()[i] ? 1 : 0;
    }
    return right / (double) images.count();
  }
}

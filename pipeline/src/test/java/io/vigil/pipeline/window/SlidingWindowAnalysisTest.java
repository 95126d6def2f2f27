package io.vigil.pipeline.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.FlattenSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.MaxPool2dSpec;
import io.vigil.engine.layer.ReluSpec;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.network.Network;
import io.vigil.engine.zoo.LeNet5;
import io.vigil.pipeline.analyze.AnalyzeSettings;
import io.vigil.pipeline.analyze.BatchAnalyzeJob;
import io.vigil.pipeline.analyze.BatchListener;
import io.vigil.pipeline.analyze.BatchRunReport;
import io.vigil.pipeline.analyze.BatchSettings;
import io.vigil.pipeline.analyze.FileOutcome;
import io.vigil.pipeline.frame.WindowSize;
import io.vigil.pipeline.stream.EngineClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sliding-window scoring through the whole offline pipeline: picture files in, a label map per
 * frame in the results file out, each cell what the plain model says on that window.
 */
class SlidingWindowAnalysisTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int WIDTH = 60;
  private static final int HEIGHT = 44;
  private static ActorSystem<Void> system;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "window-test", ConfigFactory.load());
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  /**
   * LeNet-5 without padding, seeded random weights: with no padding a window's scores in the
   * converted network are exactly the plain model's on that window cut out.
   */
  private static Model unpadded() {
    Network network =
        Network.builder(1, 28, 28)
            .add("conv1", Conv2dSpec.of(6, 5, 1, 0))
            .add("relu1", new ReluSpec())
            .add("pool1", MaxPool2dSpec.of(2, 2))
            .add("conv2", Conv2dSpec.of(16, 5, 1, 0))
            .add("relu2", new ReluSpec())
            .add("pool2", MaxPool2dSpec.of(2, 2))
            .add("flatten", new FlattenSpec())
            .add("fc1", new LinearSpec(32))
            .add("relu3", new ReluSpec())
            .add("fc2", new LinearSpec(10))
            .optSeed(5)
            .build();
    return Model.create(
        "unpadded",
        network,
        LeNet5.INPUT,
        FashionMnist.CLASS_NAMES,
        new Provenance("none", 0, 0, null, "2026-01-01T00:00:00Z", "window test"));
  }

  private static BatchRunReport analyse(
      Model model, WindowSize window, List<Path> pictures, Path out) throws Exception {
    // Batches of up to 32 frames, 2 files decoded at once: frames of both files may meet.
    AnalyzeSettings settings = AnalyzeSettings.from(ConfigFactory.load()).withWindows(window);
    WindowMapClassifier classifier =
        new WindowMapClassifier(
            new EngineClassifier(model, settings.maxBatch(), settings.topK()),
            new WindowScorer(model),
            model,
            window);
    return new BatchAnalyzeJob(system, settings, new BatchSettings(2, 5))
        .start(pictures, classifier, model.input(), out, BatchListener.NONE)
        .report()
        .toCompletableFuture()
        .get();
  }

  @Test
  void everyCellIsThePlainModelOnItsWindowForFramesOfTwoSizesInOneRun() throws Exception {
    Model model = unpadded();
    byte[] picture = new byte[WIDTH * HEIGHT];
    new Random(11).nextBytes(picture);
    byte[] doubled = GrayImages.enlarge(picture, WIDTH, HEIGHT, 2);
    Path small = GrayImages.writePng(tmp.resolve("small.png"), picture, WIDTH, HEIGHT);
    Path big = GrayImages.writePng(tmp.resolve("big.png"), doubled, 2 * WIDTH, 2 * HEIGHT);
    // One run, two frame sizes: two grids and two converted networks, maybe in one batch.
    Path out = tmp.resolve("out");
    BatchRunReport report = analyse(model, new WindowSize(28, 28), List.of(small, big), out);
    assertEquals(2, report.with(FileOutcome.Status.DONE).size(), report.files().toString());
    // (60 − 28)/4 + 1 = 9 columns and (44 − 28)/4 + 1 = 5 rows; (120 − 28)/4 + 1 = 24 and 16.
    assertCellsArePlainModel(windows(out, "small.png"), model, picture, WIDTH, 5, 9, 1);
    assertCellsArePlainModel(windows(out, "big.png"), model, doubled, 2 * WIDTH, 16, 24, 1);
  }

  @Test
  void largerWindowsScaleTheFrameDownFirst() throws Exception {
    Model model = unpadded();
    byte[] picture = new byte[WIDTH * HEIGHT];
    new Random(12).nextBytes(picture);
    // The picture at 2× with 56-pixel windows: scaled back by 2 (each 2×2 block averaged) it is
    // the picture itself, so every window is the plain model on the 1× picture's window.
    Path big =
        GrayImages.writePng(
            tmp.resolve("big.png"),
            GrayImages.enlarge(picture, WIDTH, HEIGHT, 2),
            2 * WIDTH,
            2 * HEIGHT);
    Path out = tmp.resolve("out");
    BatchRunReport report = analyse(model, new WindowSize(56, 56), List.of(big), out);
    assertEquals(1, report.with(FileOutcome.Status.DONE).size(), report.files().toString());
    assertCellsArePlainModel(windows(out, "big.png"), model, picture, WIDTH, 5, 9, 2);
  }

  /** The "windows" object of the only line of {@code name}'s results. */
  private static JsonNode windows(Path out, String name) throws Exception {
    List<String> lines = Files.readAllLines(out.resolve(name + ".jsonl"));
    assertEquals(1, lines.size(), name);
    JsonNode line = JSON.readTree(lines.get(0));
    assertTrue(line.get("top").size() > 0, "the whole-frame result stays: " + line);
    return line.get("windows");
  }

  /**
   * Each cell of {@code windows} holds the plain model's best label on the 28×28 window at {@code
   * (4c, 4r)} of {@code picture} and its probability; window and stride are {@code scale} times
   * those in source pixels.
   */
  private static void assertCellsArePlainModel(
      JsonNode windows, Model model, byte[] picture, int width, int rows, int cols, int scale) {
    assertEquals(rows, windows.get("rows").asInt(), windows.toString());
    assertEquals(cols, windows.get("cols").asInt(), windows.toString());
    assertEquals(28.0 * scale, windows.get("width").asDouble(), 1e-9);
    assertEquals(28.0 * scale, windows.get("height").asDouble(), 1e-9);
    assertEquals(4.0 * scale, windows.get("stride_x").asDouble(), 1e-9);
    assertEquals(4.0 * scale, windows.get("stride_y").asDouble(), 1e-9);
    assertEquals(0, windows.get("x").asInt());
    assertEquals(0, windows.get("y").asInt());
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        float[] plain = GrayImages.classifyWindow(model, picture, width, 4 * c, 4 * r);
        String label = windows.get("labels").get(r).get(c).asText();
        float score = (float) windows.get("scores").get(r).get(c).asDouble();
        int k = FashionMnist.CLASS_NAMES.indexOf(label);
        String where = "window (" + r + ", " + c + ") at scale " + scale;
        assertEquals(plain[k], score, 1e-4, where + ": score of " + label);
        // The map's label is the plain model's best (or tied with it within rounding).
        assertTrue(plain[k] >= plain[GrayImages.best(plain)] - 1e-4, where + ": label " + label);
      }
    }
  }

  @Test
  void aFrameSmallerThanOneWindowFailsItsFileNamingIt() throws Exception {
    Model model = unpadded();
    Path small =
        GrayImages.writePng(tmp.resolve("small.png"), new byte[WIDTH * HEIGHT], WIDTH, HEIGHT);
    BatchRunReport report =
        analyse(model, new WindowSize(64, 64), List.of(small), tmp.resolve("o"));
    List<FileOutcome> failed = report.with(FileOutcome.Status.FAILED);
    assertEquals(1, failed.size(), report.files().toString());
    String error = failed.get(0).error();
    assertTrue(error.contains("small.png"), error);
    assertTrue(error.contains("frame 60×44 is smaller than one window (64x64"), error);
    assertTrue(Files.notExists(tmp.resolve("o").resolve("small.png.jsonl")));
  }
}

package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.Model;
import io.vigil.pipeline.analyze.TestModels;
import io.vigil.pipeline.window.GrayImages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil analyze --windows} with the shipped LeNet-5 on a picture of Fashion-MNIST test
 * images laid out on a grid: the label map's cell over each image is what the model says on that
 * image.
 */
class AnalyzeWindowsCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ROWS = 3;
  private static final int COLS = 4;

  /**
   * Images 28 pixels wide every 32 pixels, from (4, 4). The 4-pixel gaps hold the training mean (73
   * ≈ 0.2860 · 255), which normalises to about 0: the shipped model pads its first layer with
   * zeros, so around each image the converted network sees what the model sees around a lone image,
   * and the scores of the window on an image match the model's on the image alone.
   */
  private static final int PITCH = 32;

  private static final int GAP_VALUE = 73;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path tmp;

  private int run(String... args) {
    return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  @Test
  void theCellOverEachImageHoldsTheModelsLabelForThatImage() throws Exception {
    Model model = TestModels.shipped();
    LabeledImages test = FashionMnist.test(FashionMnist.DEFAULT_DIR);
    int width = 4 + COLS * PITCH;
    int height = 4 + ROWS * PITCH;
    byte[] picture = new byte[width * height];
    Arrays.fill(picture, (byte) GAP_VALUE);
    for (int i = 0; i < ROWS * COLS; i++) {
      int x0 = 4 + (i % COLS) * PITCH;
      int y0 = 4 + (i / COLS) * PITCH;
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          picture[(y0 + y) * width + x0 + x] = (byte) Math.round(test.pixel(i, y, x) * 255);
        }
      }
    }
    Path file = GrayImages.writePng(tmp.resolve("items.png"), picture, width, height);
    Path results = tmp.resolve("r.jsonl");
    int status =
        run(
            "analyze",
            file.toString(),
            "--model",
            TestModels.SHIPPED.toString(),
            "--out",
            results.toString(),
            "--windows",
            "28x28");
    assertEquals(0, status, err.toString());

    List<String> lines = Files.readAllLines(results);
    assertEquals(1, lines.size());
    JsonNode windows = JSON.readTree(lines.get(0)).get("windows");
    // (132 − 28)/4 + 1 = 27 columns, (100 − 28)/4 + 1 = 19 rows; image i's window is the cell at
    // (1 + 8·row, 1 + 8·col), since images start 4 + 32·k pixels in and windows every 4.
    assertEquals(19, windows.get("rows").asInt(), windows.toString());
    assertEquals(27, windows.get("cols").asInt(), windows.toString());
    int agreeWithTruth = 0;
    for (int i = 0; i < ROWS * COLS; i++) {
      int row = 1 + 8 * (i / COLS);
      int col = 1 + 8 * (i % COLS);
      float[] plain = GrayImages.classifyWindow(model, picture, width, 4 * col, 4 * row);
      int best = GrayImages.best(plain);
      String label = windows.get("labels").get(row).get(col).asText();
      double score = windows.get("scores").get(row).get(col).asDouble();
      assertEquals(model.classNames().get(best), label, "image " + i);
      assertEquals(plain[best], score, 2e-3, "image " + i + ": " + label);
      if (best == test.labels()[i]) {
        agreeWithTruth++;
      }
    }
    // The model is right on about 9 in 10 test images; on these 12 it must be most of the time.
    assertTrue(agreeWithTruth >= 9, agreeWithTruth + " of 12 match the true labels");
  }

  @Test
  void aBadWindowSizeIsAUsageError() {
    int status =
        run(
            "analyze",
            "any.mp4",
            "--model",
            TestModels.SHIPPED.toString(),
            "--out",
            tmp.resolve("r.jsonl").toString(),
            "--windows",
            "28by28");
    assertEquals(Main.USAGE, status);
    assertTrue(err.toString().contains("--windows: window size '28by28'"), err.toString());
  }
}

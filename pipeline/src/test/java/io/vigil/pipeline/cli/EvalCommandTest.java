package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.engine.train.Evaluation;
import io.vigil.engine.train.EvaluationResult;
import io.vigil.pipeline.analyze.TestModels;
import io.vigil.pipeline.registry.RegistryFixtures;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil eval MODEL [--data DIR]}: accuracy, confusion matrix, refusals. */
class EvalCommandTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  private String firstLineOfErr() {
    return err.toString().strip().split("\\R")[0];
  }

  /** The rows of the printed confusion matrix: the counts after each class name. */
  private static List<long[]> confusionRows(String printed, List<String> classes) {
    List<long[]> rows = new ArrayList<>();
    for (String line : printed.split("\\R")) {
      for (String name : classes) {
        String prefix = "  " + name + " ";
        if (line.startsWith(prefix) && line.endsWith("% right")) {
          String[] fields = line.substring(prefix.length()).strip().split("\\s+");
          long[] counts = new long[classes.size()];
          for (int j = 0; j < counts.length; j++) {
            counts[j] = Long.parseLong(fields[j]);
          }
          rows.add(counts);
        }
      }
    }
    return rows;
  }

  private static long sum(List<long[]> rows) {
    long total = 0;
    for (long[] row : rows) {
      for (long v : row) {
        total += v;
      }
    }
    return total;
  }

  @Test
  void theShippedModelOnTheFashionMnistTestSet() throws IOException {
    assertEquals(0, run("eval", TestModels.SHIPPED.toString()), err.toString());
    String printed = out.toString();
    Model shipped = ModelFile.load(TestModels.SHIPPED);
    EvaluationResult expected =
        Evaluation.evaluate(shipped, FashionMnist.test(FashionMnist.DEFAULT_DIR));
    String accuracy = String.format(Locale.ROOT, "accuracy %.2f %%", 100 * expected.accuracy());
    assertTrue(printed.strip().endsWith(accuracy), printed);
    // The same figure training recorded in the file (and README states: 91.19 %).
    assertEquals(
        String.format(Locale.ROOT, "%.2f", 100 * shipped.provenance().testAccuracy()),
        String.format(Locale.ROOT, "%.2f", 100 * expected.accuracy()));
    List<long[]> rows = confusionRows(printed, shipped.classNames());
    assertEquals(10, rows.size(), printed);
    assertEquals(10_000, sum(rows), printed);
    long correct = 0;
    for (int i = 0; i < rows.size(); i++) {
      correct += rows.get(i)[i];
    }
    assertEquals(Math.round(expected.accuracy() * 10_000), correct);
    assertTrue(printed.startsWith("model " + shipped.version() + " on IDX files in "), printed);
  }

  private static void png(Path file, int rgb) throws IOException {
    Files.createDirectories(file.getParent());
    BufferedImage image = new BufferedImage(12, 12, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 12; y++) {
      for (int x = 0; x < 12; x++) {
        image.setRGB(x, y, rgb);
      }
    }
    ImageIO.write(image, "png", file.toFile());
  }

  @Test
  void imageFoldersAreResizedAndTheirClassesMatchedByName() throws IOException {
    // Folder order (sorted) is Bag, Trouser; the model has Trouser at 1 and Bag at 8.
    Path data = dir.resolve("folders");
    png(data.resolve("train/Bag/a.png"), 0x202020);
    png(data.resolve("train/Trouser/a.png"), 0x202020);
    for (int i = 0; i < 3; i++) {
      png(data.resolve("test/Bag/" + i + ".png"), 0x101010 * (i + 1));
    }
    for (int i = 0; i < 2; i++) {
      png(data.resolve("test/Trouser/" + i + ".png"), 0x404040 * (i + 1));
    }
    assertEquals(
        0, run("eval", TestModels.SHIPPED.toString(), "--data", data.toString()), err.toString());
    List<String> classes = FashionMnist.CLASS_NAMES;
    List<long[]> rows = confusionRows(out.toString(), classes);
    assertEquals(10, rows.size(), out.toString());
    for (int t = 0; t < 10; t++) {
      long total = 0;
      for (long v : rows.get(t)) {
        total += v;
      }
      long want = classes.get(t).equals("Bag") ? 3 : classes.get(t).equals("Trouser") ? 2 : 0;
      assertEquals(want, total, "row " + classes.get(t) + "\n" + out);
    }
    assertTrue(out.toString().contains("5 test images"), out.toString());
  }

  @Test
  void aModelWhoseInputTheDataDoesNotFitIsABadArgumentNamingBothShapes() throws IOException {
    Path file = dir.resolve("rgb.vgl");
    ModelFile.save(
        RegistryFixtures.tiny(
            "rgb",
            InputContract.perChannel(
                3,
                224,
                224,
                new float[] {0.485f, 0.456f, 0.406f},
                new float[] {0.229f, 0.224f, 0.225f}),
            FashionMnist.CLASS_NAMES),
        file);
    assertEquals(Main.USAGE, run("eval", file.toString()));
    String line = firstLineOfErr();
    assertTrue(line.contains("takes 3×224×224 images"), line);
    assertTrue(line.contains("holds 1×28×28 images"), line);
    assertEquals("", out.toString());
  }

  @Test
  void moreClassesInTheDataThanTheModelKnowsIsABadArgument() throws IOException {
    Path file = dir.resolve("two.vgl");
    ModelFile.save(
        RegistryFixtures.tiny("two", new InputContract(1, 28, 28, 0f, 1f), List.of("x", "y")),
        file);
    assertEquals(Main.USAGE, run("eval", file.toString()));
    String line = firstLineOfErr();
    assertTrue(line.contains("knows 2 classes but"), line);
    assertTrue(line.contains("has 10 [T-shirt/top"), line);
  }

  @Test
  void aMissingModelOrDataDirectoryFailsNamingIt() {
    Path missing = dir.resolve("missing.vgl");
    assertEquals(Main.FAILED, run("eval", missing.toString()));
    assertTrue(firstLineOfErr().contains(missing.toString()), err.toString());
    Path nowhere = dir.resolve("nowhere");
    assertEquals(
        Main.FAILED, run("eval", TestModels.SHIPPED.toString(), "--data", nowhere.toString()));
    assertTrue(firstLineOfErr().contains(nowhere.toString()), err.toString());
    assertEquals(1, err.toString().strip().split("\\R").length, err.toString());
  }
}

package io.vigil.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.FlattenSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.ReluSpec;
import io.vigil.engine.network.Network;
import io.vigil.engine.zoo.LeNet5;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {

  private static final List<String> CLASSES =
      List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");

  @TempDir Path dir;

  private static Model model(long seed) {
    return Model.create(
        "lenet5",
        LeNet5.create(seed),
        LeNet5.INPUT,
        CLASSES,
        new Provenance("fashion-mnist", 0, 0.0, null, "2026-11-23T10:00:00Z", "test"));
  }

  private static float[] predict(Model model, float[] input, int batch) {
    float[] out = new float[batch * model.classNames().size()];
    try (Predictor p = model.newPredictor(batch)) {
      p.predict(input, batch, out);
    }
    return out;
  }

  @Test
  void roundTripKeepsPredictionsAndVersion() throws IOException {
    Model original = model(7);
    Path file = dir.resolve("lenet5" + ModelFile.EXTENSION);
    ModelFile.save(original, file);
    Model loaded = ModelFile.load(file);

    assertEquals(original.version(), loaded.version());
    assertTrue(original.version().matches("lenet5-[0-9a-f]{12}"), original.version());
    assertEquals(original.input(), loaded.input());
    assertEquals(original.classNames(), loaded.classNames());
    assertEquals(original.provenance(), loaded.provenance());
    float[] input = new float[3 * 784];
    Random random = new Random(1);
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) random.nextGaussian();
    }
    float[] before = predict(original, input, 3);
    assertArrayEquals(before, predict(loaded, input, 3));
    float sum = 0;
    for (int j = 0; j < 10; j++) {
      sum += before[j];
    }
    assertEquals(1f, sum, 1e-5f);
  }

  /** A small RGB network, for contracts with a mean and std per channel. */
  private static Model rgbModel(InputContract input) {
    Network network =
        Network.builder(3, 8, 8)
            .add("conv", Conv2dSpec.of(4, 3, 1, 1))
            .add("relu", new ReluSpec())
            .add("flatten", new FlattenSpec())
            .add("fc", new LinearSpec(3))
            .optSeed(5)
            .build();
    return Model.create(
        "rgb",
        network,
        input,
        List.of("x", "y", "z"),
        new Provenance("imagenet", 0, 0.0, null, "2026-12-07T10:00:00Z", "test"));
  }

  @Test
  void perChannelContractSurvivesTheRoundTrip() throws IOException {
    InputContract input =
        InputContract.perChannel(
            3, 8, 8, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
    Model original = rgbModel(input);
    Path file = dir.resolve("rgb" + ModelFile.EXTENSION);
    ModelFile.save(original, file);
    String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    assertTrue(
        text.contains(
            "\"input\":{\"channels\":3,\"height\":8,\"width\":8,"
                + "\"mean\":[0.485,0.456,0.406],\"std\":[0.229,0.224,0.225]}"),
        text.substring(0, 400));
    Model loaded = ModelFile.load(file);
    assertEquals(input, loaded.input());
    assertEquals(original.version(), loaded.version());
    assertEquals(0.406f, loaded.input().mean(2));
    assertEquals(0.224f, loaded.input().std(1));
  }

  @Test
  void uniformContractIsWrittenAsOneMeanAndOneStd() throws IOException {
    Path file = dir.resolve("uniform" + ModelFile.EXTENSION);
    ModelFile.save(rgbModel(new InputContract(3, 8, 8, 0.5f, 0.25f)), file);
    String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    assertTrue(
        text.contains(
            "\"input\":{\"channels\":3,\"height\":8,\"width\":8,\"mean\":0.5,\"std\":0.25},"),
        text.substring(0, 400));
    assertTrue(ModelFile.load(file).input().uniform());
  }

  @Test
  void theShippedModelIsWrittenBackByteForByte() throws IOException {
    Path shipped = Path.of("../models/lenet5-fashion.vgl");
    Model model = ModelFile.load(shipped);
    assertEquals("lenet5-fashion-d8d1ffcde602", model.version());
    Path copy = dir.resolve("copy" + ModelFile.EXTENSION);
    ModelFile.save(model, copy);
    assertArrayEquals(Files.readAllBytes(shipped), Files.readAllBytes(copy));
  }

  @Test
  void versionFollowsTheWeights() {
    assertEquals(model(3).version(), model(3).version());
    assertNotEquals(model(3).version(), model(4).version());
  }

  @Test
  void flippedByteInTheMiddleIsReportedAsDamage() throws IOException {
    Path file = saved();
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(file, bytes);
    assertRejected(file, "damaged: checksum");
  }

  @Test
  void truncatedFileIsReported() throws IOException {
    Path file = saved();
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 1000));
    assertRejected(file, "truncated");
  }

  @Test
  void wrongMagicIsReported() throws IOException {
    Path file = dir.resolve("notes.vgl");
    Files.writeString(file, "{\"this\": \"is JSON, not a model\"}", StandardCharsets.UTF_8);
    assertRejected(file, "not a vigil model file");
  }

  @Test
  void missingFileIsReported() {
    assertRejected(dir.resolve("absent.vgl"), "no such model file");
  }

  @Test
  void unknownFormatVersionIsReported() throws IOException {
    Path file = saved();
    byte[] bytes = Files.readAllBytes(file);
    bytes[8] = 99;
    Files.write(file, bytes);
    assertRejected(file, "unknown model file format version 99");
  }

  @Test
  void saveReplacesAnExistingFileAndLeavesNoTemporaries() throws IOException {
    Path file = dir.resolve("m.vgl");
    ModelFile.save(model(1), file);
    ModelFile.save(model(2), file);
    assertEquals(model(2).version(), ModelFile.load(file).version());
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void modelChecksClassCountAndInputShape() {
    IllegalArgumentException classes =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Model.create(
                    "m",
                    LeNet5.create(1),
                    LeNet5.INPUT,
                    List.of("x", "y"),
                    new Provenance("d", 1, 0, null, "t", "")));
    assertTrue(classes.getMessage().contains("10 outputs but 2 class names"), classes.getMessage());
    IllegalArgumentException input =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Model.create(
                    "m",
                    LeNet5.create(1),
                    new InputContract(3, 28, 28, 0.5f, 0.5f),
                    CLASSES,
                    new Provenance("d", 1, 0, null, "t", "")));
    assertTrue(input.getMessage().contains("1×28×28"), input.getMessage());
  }

  @Test
  void predictorRejectsOversizedBatchAndShortArrays() {
    try (Predictor p = model(1).newPredictor(2)) {
      IllegalArgumentException big =
          assertThrows(
              IllegalArgumentException.class,
              () -> p.predict(new float[3 * 784], 3, new float[30]));
      assertTrue(big.getMessage().contains("batch 3 outside [1, 2]"), big.getMessage());
      IllegalArgumentException shortInput =
          assertThrows(
              IllegalArgumentException.class, () -> p.predict(new float[784], 2, new float[20]));
      assertTrue(shortInput.getMessage().contains("needs 1568"), shortInput.getMessage());
    }
  }

  private Path saved() throws IOException {
    Path file = dir.resolve("model.vgl");
    ModelFile.save(model(5), file);
    return file;
  }

  private static void assertRejected(Path file, String problem) {
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
  }
}

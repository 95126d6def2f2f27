package io.vigil.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.layer.Parameter;
import io.vigil.engine.network.Network;
import io.vigil.engine.zoo.LeNet5;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An interrupted run continued from its checkpoint ends exactly where an unbroken run ends. */
class CheckpointResumeTest {

  private static LabeledImages train;
  private static LabeledImages test;

  @TempDir Path tmp;

  @BeforeAll
  static void load() throws IOException {
    train = FashionMnist.train(FashionMnist.DEFAULT_DIR).head(1_200);
    test = FashionMnist.test(FashionMnist.DEFAULT_DIR).head(200);
  }

  private static TrainingConfig config(int epochs) {
    return new TrainingConfig(epochs, 32, 0.002f, 0.9f, 1e-4f, 5L)
        .withOptimizer(OptimizerKind.ADAM)
        .withAugmentation(new Augmentation(2, true))
        .withSchedule(new LearningRateSchedule.Step(1, 0.5f));
  }

  private static List<float[]> weights(Network network) {
    List<float[]> all = new ArrayList<>();
    for (Parameter p : network.parameters()) {
      float[] values = new float[p.value().size()];
      network.backend().download(p.value(), 0, values, 0, values.length);
      all.add(values);
    }
    return all;
  }

  @Test
  void resumedRunEqualsUninterruptedRun() {
    Network straight = LeNet5.create(3);
    new Trainer(straight, LeNet5.INPUT, config(3)).fit(train, test, TrainingListener.silent());

    Path checkpoint = tmp.resolve("run.checkpoint");
    Network interrupted = LeNet5.create(3);
    new Trainer(interrupted, LeNet5.INPUT, config(1))
        .optCheckpoint(checkpoint)
        .fit(train, test, TrainingListener.silent());
    assertTrue(Files.exists(checkpoint));

    Network resumed = LeNet5.create(99); // different start: every weight must come from the file
    List<Integer> resumedAt = new ArrayList<>();
    List<Integer> epochsRun = new ArrayList<>();
    new Trainer(resumed, LeNet5.INPUT, config(3))
        .optCheckpoint(checkpoint)
        .fit(
            train,
            test,
            new TrainingListener() {
              @Override
              public void onProgress(TrainingProgress p) {}

              @Override
              public void onResume(Path file, int epochsDone) {
                resumedAt.add(epochsDone);
              }

              @Override
              public void onEpochEnd(EpochSummary s) {
                epochsRun.add(s.epoch());
              }
            });
    assertEquals(List.of(1), resumedAt);
    assertEquals(List.of(2, 3), epochsRun);
    List<float[]> expected = weights(straight);
    List<float[]> actual = weights(resumed);
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), "parameter " + i);
    }
  }

  @Test
  void damagedCheckpointIsRefusedNamingTheFile() throws IOException {
    Path checkpoint = tmp.resolve("damaged.checkpoint");
    new Trainer(LeNet5.create(3), LeNet5.INPUT, config(1))
        .optCheckpoint(checkpoint)
        .fit(train.head(64), test.head(10), TrainingListener.silent());
    byte[] bytes = Files.readAllBytes(checkpoint);
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(checkpoint, bytes);
    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class,
            () ->
                new Trainer(LeNet5.create(3), LeNet5.INPUT, config(2))
                    .optCheckpoint(checkpoint)
                    .fit(train.head(64), test.head(10), TrainingListener.silent()));
    assertTrue(e.getMessage().contains("damaged.checkpoint"), e.getMessage());
    assertTrue(e.getMessage().contains("checksum"), e.getMessage());
  }

  @Test
  void checkpointOfOtherSettingsIsRefused() {
    Path checkpoint = tmp.resolve("other.checkpoint");
    new Trainer(LeNet5.create(3), LeNet5.INPUT, config(1))
        .optCheckpoint(checkpoint)
        .fit(train.head(64), test.head(10), TrainingListener.silent());
    TrainingConfig otherRate = new TrainingConfig(2, 32, 0.01f, 0.9f, 1e-4f, 5L);
    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class,
            () ->
                new Trainer(LeNet5.create(3), LeNet5.INPUT, otherRate)
                    .optCheckpoint(checkpoint)
                    .fit(train.head(64), test.head(10), TrainingListener.silent()));
    assertTrue(e.getMessage().contains("other settings"), e.getMessage());
  }
}

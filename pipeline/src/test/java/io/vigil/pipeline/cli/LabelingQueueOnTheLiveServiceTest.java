package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.Predictor;
import io.vigil.pipeline.analyze.TestModels;
import io.vigil.pipeline.service.LabelingItem;
import io.vigil.pipeline.service.LabelingQueue;
import io.vigil.pipeline.service.LabelingSettings;
import io.vigil.pipeline.service.ServiceContext;
import io.vigil.pipeline.video.LabeledClips;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The labeling queue on the taps of the real service: each item it keeps pairs a frame's pixels
 * with that frame's own result, whatever threads the taps run on.
 */
class LabelingQueueOnTheLiveServiceTest {

  private static final int ITEMS = 8;

  @TempDir Path dir;

  @Test
  void everyItemIsTheFrameTheResultWasAbout() throws Exception {
    Model model = TestModels.shipped();
    InputContract contract = model.input();
    LabeledImages clip =
        LabeledClips.read(Path.of("../samples/fashion-clip.mp4"), contract, model.classNames());
    LabelingSettings settings = LabelingSettings.defaults();
    CountDownLatch filled = new CountDownLatch(1);
    try (ServiceFixture service = ServiceFixture.start(dir, "")) {
      ServiceContext context = service.context();
      LabelingQueue queue =
          new LabelingQueue(context.input(), context.classNames(), context.inbox(), settings);
      context.live().tapFrames(queue::frame);
      context
          .live()
          .tapResults(
              r -> {
                queue.result(r);
                if (queue.snapshot().streams().getOrDefault("fashion", List.of()).size() >= ITEMS) {
                  filled.countDown();
                }
              });
      assertTrue(filled.await(120, TimeUnit.SECONDS), "the queue filled with doubtful frames");

      List<LabelingItem> items = queue.snapshot().streams().get("fashion");
      int size = contract.size();
      float[] input = new float[size];
      float[] probabilities = new float[model.classNames().size()];
      try (Predictor predictor = model.newPredictor(1)) {
        for (LabelingItem item : items) {
          int f = (int) (item.frame() % clip.count());
          byte[] expected = Arrays.copyOfRange(clip.pixels(), f * size, (f + 1) * size);
          assertArrayEquals(expected, item.pixels(), item.id() + ": the frame's own pixels");
          for (int i = 0; i < size; i++) {
            input[i] = contract.normalise((item.pixels()[i] & 0xff) / 255f);
          }
          predictor.predict(input, 1, probabilities);
          int best = 0;
          for (int c = 1; c < probabilities.length; c++) {
            best = probabilities[c] > probabilities[best] ? c : best;
          }
          assertEquals(best, item.top().get(0).classIndex(), item.id() + ": its own result");
          assertEquals(
              probabilities[best], item.top().get(0).score(), 1e-3, item.id() + ": its score");
          double margin = item.top().get(0).score() - item.top().get(1).score();
          assertTrue(
              item.top().get(0).score() < settings.maxTopScore() || margin < settings.maxMargin(),
              item.id() + " is doubtful");
        }
      }
    }
  }
}

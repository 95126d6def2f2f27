package io.vigil.pipeline.bench;

import io.vigil.engine.data.Appearance;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.zoo.LeNet5;
import io.vigil.pipeline.video.ClipMaker;
import io.vigil.pipeline.video.ClipSpec;
import io.vigil.pipeline.video.LabeledClips;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * How fast labeled clips become training data (a benchmark, not a test): makes 6,000-frame clips of
 * inverted Fashion-MNIST training images, one item per frame, at 28×28 and at make-clip's default
 * 112×112, then times {@link LabeledClips#read} into LeNet-5's 28×28 input five times each (the
 * first run also loads the natives) and prints every run and the median, in frames/s. One thread,
 * as a trainer reads a clip.
 *
 * <p>Run with {@code bench/pipeline/labeled-clips.sh}.
 */
public final class LabeledClipsBench {

  private static final int FRAMES = 6_000;
  private static final int RUNS = 5;

  private LabeledClipsBench() {}

  public static void main(String[] args) throws Exception {
    System.out.printf(
        "vigil labeled-clips bench: %d cores, %s, Java %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.arch"),
        System.getProperty("java.version"));
    Path work = Files.createTempDirectory("vigil-clips-bench");
    ClipMaker maker = ClipMaker.fashionMnist(FashionMnist.DEFAULT_DIR, ClipMaker.Split.TRAIN);
    for (int scale : new int[] {28, 112}) {
      ClipSpec spec =
          ClipSpec.builder()
              .setItems(FRAMES)
              .optFramesPerItem(1)
              .optScale(scale)
              .optFps(30)
              .optAppearance(Appearance.INVERTED)
              .build();
      Path video = work.resolve("inverted-" + scale + ".mp4");
      long start = System.nanoTime();
      maker.make(spec, video, ClipMaker.Progress.NONE);
      double makeSeconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "make-clip, %d frames of %dx%d (mpeg4, %d KB): %.2f s, %.0f frames/s%n",
          FRAMES,
          scale,
          scale,
          Files.size(video) / 1024,
          makeSeconds,
          FRAMES / makeSeconds);
      double[] seconds = new double[RUNS];
      for (int run = 0; run < RUNS; run++) {
        start = System.nanoTime();
        LabeledImages images = LabeledClips.read(video, LeNet5.INPUT, FashionMnist.CLASS_NAMES);
        seconds[run] = (System.nanoTime() - start) / 1e9;
        if (images.count() != FRAMES) {
          throw new IllegalStateException("read " + images.count() + " frames, made " + FRAMES);
        }
        System.out.printf(
            Locale.ROOT,
            "  LabeledClips.read run %d: %.3f s, %.0f frames/s%n",
            run + 1,
            seconds[run],
            FRAMES / seconds[run]);
      }
      Arrays.sort(seconds);
      double median = seconds[RUNS / 2];
      System.out.printf(
          Locale.ROOT,
          "LabeledClips.read, %d frames of %dx%d to 28x28 gray bytes: median %.3f s, %.0f"
              + " frames/s%n",
          FRAMES,
          scale,
          scale,
          median,
          FRAMES / median);
    }
  }
}

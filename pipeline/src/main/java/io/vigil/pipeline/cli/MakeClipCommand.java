package io.vigil.pipeline.cli;

import io.vigil.engine.data.FashionMnist;
import io.vigil.pipeline.video.ClipMaker;
import io.vigil.pipeline.video.ClipSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil make-clip}: renders labeled video from Fashion-MNIST test images. */
@Command(
    name = "make-clip",
    mixinStandardHelpOptions = true,
    description = {
      "Renders Fashion-MNIST test images as a video clip (each item shown for N frames,",
      "scaled up, with optional noise, brightness change and motion), encoded with FFmpeg,",
      "and writes CLIP.labels.csv beside it with the true label of every frame.",
      "The same options and seed give the same pixels."
    })
final class MakeClipCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--out",
      paramLabel = "CLIP",
      description = "Video file to write (.mp4, .avi or .mkv). Default: ${DEFAULT-VALUE}")
  Path out = Path.of("fashion-clip.mp4");

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Directory of the Fashion-MNIST IDX files. Default: ${DEFAULT-VALUE}")
  Path data = FashionMnist.DEFAULT_DIR;

  @Option(names = "--items", description = "Test images to show. Default: ${DEFAULT-VALUE}")
  int items = 1000;

  @Option(names = "--first", description = "Index of the first test image. Default: 0")
  Integer first;

  @Option(
      names = "--frames-per-item",
      description = "Frames each image is shown. Default: ${DEFAULT-VALUE}")
  int framesPerItem = 2;

  @Option(names = "--scale", description = "Frame width and height in pixels, even (default 112).")
  Integer scale;

  @Option(names = "--fps", description = "Frames per second (default 10).")
  Double fps;

  @Option(
      names = "--noise",
      description = "Std of Gaussian pixel noise, fraction of full scale (default 0).")
  Double noise;

  @Option(names = "--brightness", description = "Pixel gain, 1 = unchanged (default 1).")
  Double brightness;

  @Option(names = "--motion", description = "Max drift of the item in pixels (default 0).")
  Integer motion;

  @Option(names = "--seed", description = "Seed for noise and motion (default 0).")
  Long seed;

  @Override
  public Integer call() throws Exception {
    ClipSpec.Builder builder = ClipSpec.builder().setItems(items).optFramesPerItem(framesPerItem);
    if (first != null) builder.optFirstIndex(first);
    if (scale != null) builder.optScale(scale);
    if (fps != null) builder.optFps(fps);
    if (noise != null) builder.optNoise(noise);
    if (brightness != null) builder.optBrightness(brightness);
    if (motion != null) builder.optMotion(motion);
    if (seed != null) builder.optSeed(seed);
    ClipSpec clip;
    try {
      clip = builder.build();
    } catch (IllegalArgumentException e) {
      throw new BadArgumentException(optionNames(e.getMessage()), e);
    }
    PrintWriter stdout = spec.commandLine().getOut();
    ConsoleProgress progress = new ConsoleProgress(spec.commandLine().getErr());
    long step = Math.max(1, clip.totalFrames() / 20);
    ClipMaker.Clip made =
        ClipMaker.fashionMnistTest(data)
            .make(
                clip,
                out,
                (written, total) -> {
                  if (written % step == 0 || written == total) {
                    progress.show(String.format("make-clip: %d/%d frames", written, total));
                  }
                });
    progress.done();
    stdout.printf(
        "wrote %s (%d frames, %s, %d×%d at %s fps) and %s%n",
        made.video(),
        made.frames(),
        made.codec(),
        clip.scale(),
        clip.scale(),
        clip.fps(),
        made.sidecar());
    return 0;
  }

  /** A clip spec's message with its field names as this command's options spell them. */
  private static String optionNames(String message) {
    String m = message.replaceFirst("^clip spec: ", "");
    String[][] names = {
      {"firstIndex", "--first"},
      {"framesPerItem", "--frames-per-item"},
      {"items", "--items"},
      {"scale", "--scale"},
      {"fps", "--fps"},
      {"noise", "--noise"},
      {"brightness", "--brightness"},
      {"motion", "--motion"}
    };
    for (String[] n : names) {
      m = m.replaceAll("\\b" + n[0] + "\\b", n[1]);
    }
    return m;
  }
}

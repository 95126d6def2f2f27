package io.vigil.pipeline.cli;

import io.vigil.engine.data.Appearance;
import io.vigil.engine.data.FashionMnist;
import io.vigil.pipeline.video.ClipMaker;
import io.vigil.pipeline.video.ClipSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code vigil make-clip}: renders labeled video from Fashion-MNIST images, of either split, in a
 * normal or changed scene.
 */
@Command(
    name = "make-clip",
    mixinStandardHelpOptions = true,
    description = {
      "Renders Fashion-MNIST images as a labeled video clip.",
      "Each item is shown for N frames, scaled up, with optional noise, brightness change, motion"
          + " and a changed scene; the clip is encoded with FFmpeg, and CLIP.labels.csv beside it"
          + " gives the true label of every frame. The same options and seed give the same"
          + " pixels."
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

  @Option(
      names = "--split",
      paramLabel = "train|test",
      converter = SplitConverter.class,
      description =
          "Which images to show: train for clips to learn from (no test image leaks in), test"
              + " for clips to measure on. Default: test")
  ClipMaker.Split split = ClipMaker.Split.TEST;

  @Option(
      names = "--items",
      paramLabel = "N",
      description = "Images to show. Default: ${DEFAULT-VALUE}")
  int items = 1000;

  @Option(
      names = "--first",
      paramLabel = "INDEX",
      description = "Index of the first image in the split. Default: ${DEFAULT-VALUE}")
  int first = 0;

  @Option(
      names = "--frames-per-item",
      paramLabel = "N",
      description = "Frames each image is shown. Default: ${DEFAULT-VALUE}")
  int framesPerItem = 2;

  @Option(
      names = "--scale",
      paramLabel = "PIXELS",
      description = "Frame width and height in pixels, even. Default: ${DEFAULT-VALUE}")
  int scale = ClipSpec.DEFAULT_SCALE;

  @Option(
      names = "--fps",
      paramLabel = "FPS",
      description = "Frames per second. Default: ${DEFAULT-VALUE}")
  double fps = ClipSpec.DEFAULT_FPS;

  @Option(
      names = "--noise",
      paramLabel = "STD",
      description =
          "Std of Gaussian noise on every frame, fraction of full scale. Default: ${DEFAULT-VALUE}")
  double noise = 0;

  @Option(
      names = "--brightness",
      paramLabel = "GAIN",
      description = "Pixel gain, 1 = unchanged. Default: ${DEFAULT-VALUE}")
  double brightness = 1;

  @Option(
      names = "--motion",
      paramLabel = "PIXELS",
      description = "Max drift of the item from the centre. Default: ${DEFAULT-VALUE}")
  int motion = 0;

  @Option(
      names = "--seed",
      paramLabel = "SEED",
      description = "Seed of the motion and of all noise. Default: ${DEFAULT-VALUE}")
  long seed = 0;

  @Option(
      names = "--appearance",
      paramLabel = "NAME",
      converter = AppearanceConverter.class,
      completionCandidates = AppearanceNames.class,
      description =
          "Scene change applied to every image before scaling: ${COMPLETION-CANDIDATES}."
              + " Default: none")
  Appearance appearance = Appearance.NONE;

  @ArgGroup(exclusive = false)
  Change change;

  /** {@code --change-at} and {@code --change-to}, given together or not at all. */
  static final class Change {
    @Option(
        names = "--change-at",
        paramLabel = "FRAME",
        required = true,
        description = "Frame (from 0) at which the scene changes to --change-to's appearance.")
    int atFrame;

    @Option(
        names = "--change-to",
        paramLabel = "NAME",
        required = true,
        converter = AppearanceConverter.class,
        description = "Appearance from --change-at's frame to the end (names as --appearance).")
    Appearance to;
  }

  /** The appearances' names, for the help. */
  static final class AppearanceNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Appearance.cliNames().iterator();
    }
  }

  /** Parses an appearance's name; an unknown one is a usage error listing the known names. */
  static final class AppearanceConverter implements ITypeConverter<Appearance> {
    @Override
    public Appearance convert(String value) {
      try {
        return Appearance.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** Parses {@code train} or {@code test}. */
  static final class SplitConverter implements ITypeConverter<ClipMaker.Split> {
    @Override
    public ClipMaker.Split convert(String value) {
      try {
        return ClipMaker.Split.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  @Override
  public Integer call() throws Exception {
    ClipSpec clip = clipSpec();
    PrintWriter stdout = spec.commandLine().getOut();
    ConsoleProgress progress = new ConsoleProgress(spec.commandLine().getErr());
    long step = Math.max(1, clip.totalFrames() / 20);
    ClipMaker.Clip made =
        ClipMaker.fashionMnist(data, split)
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
        "wrote %s (%d frames of %s images%s, %s, %d×%d at %s fps) and %s%n",
        made.video(),
        made.frames(),
        split.cliName(),
        describeScene(clip),
        made.codec(),
        clip.scale(),
        clip.scale(),
        clip.fps(),
        made.sidecar());
    return 0;
  }

  /** The spec the options describe; a value out of range is a usage error naming it. */
  private ClipSpec clipSpec() {
    ClipSpec.Builder builder =
        ClipSpec.builder()
            .setItems(items)
            .optFirstIndex(first)
            .optFramesPerItem(framesPerItem)
            .optScale(scale)
            .optFps(fps)
            .optNoise(noise)
            .optBrightness(brightness)
            .optMotion(motion)
            .optSeed(seed)
            .optAppearance(appearance);
    if (change != null) {
      builder.optChange(change.atFrame, change.to);
    }
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), optionNames(e.getMessage()), e);
    }
  }

  private static String describeScene(ClipSpec clip) {
    String scene = clip.appearance() == Appearance.NONE ? "" : ", " + clip.appearance().cliName();
    if (clip.changeAtFrame() == ClipSpec.NO_CHANGE) {
      return scene;
    }
    return scene
        + ", "
        + clip.changedAppearance().cliName()
        + " from frame "
        + clip.changeAtFrame();
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

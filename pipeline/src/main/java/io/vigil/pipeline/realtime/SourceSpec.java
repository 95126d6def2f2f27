package io.vigil.pipeline.realtime;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import io.vigil.pipeline.config.ConfigKeys;
import io.vigil.pipeline.config.ConfigPaths;
import io.vigil.pipeline.stream.Pacing;
import io.vigil.pipeline.video.Preprocessing;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * One stream of a real-time run, as {@code config/camera.conf} lists it under {@code
 * vigil.run.streams}.
 *
 * @param id the stream's id: names its results ({@code <id>.jsonl}) and its metrics
 * @param kind a file (paced like a camera), an image sequence, a network URL, or a camera device
 * @param input the file path, image pattern ({@code dir/img%04d.png}), URL or device path
 * @param pacing for files: the rate frames are released at and whether the file loops
 * @param everyNth keep one frame in {@code everyNth} (1 = every frame), before the buffer
 * @param annotate where to write an annotated copy of the stream (label, score and model drawn on
 *     each classified frame), or null for none
 * @param maxRate keep at most this many frames per second (by capture time), 0 for no limit
 * @param preprocessing how frames are fitted to the model's input: stretch or letterbox, and the
 *     region of interest
 * @param ffmpegOptions for URLs and cameras: options handed to FFmpeg as they are when the input is
 *     opened (such as {@code rtsp_transport = tcp}, or {@code rtsp_flags = listen} to receive a
 *     stream pushed to vigil); they win over the timeouts the run sets
 */
public record SourceSpec(
    String id,
    Kind kind,
    String input,
    Pacing pacing,
    int everyNth,
    Path annotate,
    double maxRate,
    Preprocessing preprocessing,
    Map<String, String> ffmpegOptions) {

  /** The keys a stream entry may have. */
  public static final Set<String> KEYS =
      Set.of(
          "id",
          "labels",
          "file",
          "images",
          "url",
          "camera",
          "loop",
          "fps",
          "every-nth",
          "max-rate",
          "annotate",
          "resize",
          "fill",
          "roi",
          "options");

  /** Where frames come from. */
  public enum Kind {
    FILE,
    IMAGES,
    URL,
    CAMERA
  }

  public SourceSpec {
    if (id == null || id.isBlank() || id.contains("/")) {
      throw new IllegalArgumentException("stream id must be a non-empty name without '/': " + id);
    }
    if (everyNth < 1) {
      throw new IllegalArgumentException(
          "stream " + id + ": every-nth must be ≥ 1, got " + everyNth);
    }
    Objects.requireNonNull(preprocessing, "preprocessing");
    ffmpegOptions = Map.copyOf(ffmpegOptions);
  }

  /** A spec of whole frames stretched to the model's input, without an annotated video. */
  public SourceSpec(String id, Kind kind, String input, Pacing pacing, int everyNth) {
    this(id, kind, input, pacing, everyNth, null, 0, Preprocessing.STRETCH, Map.of());
  }

  /** The same stream, writing an annotated copy to {@code video}. */
  public SourceSpec withAnnotation(Path video) {
    return new SourceSpec(
        id, kind, input, pacing, everyNth, video, maxRate, preprocessing, ffmpegOptions);
  }

  /** The same stream, keeping at most {@code fps} frames per second. */
  public SourceSpec withMaxRate(double fps) {
    return new SourceSpec(
        id, kind, input, pacing, everyNth, annotate, fps, preprocessing, ffmpegOptions);
  }

  /** The same stream, its frames fitted to the model's input as {@code p} says. */
  public SourceSpec withPreprocessing(Preprocessing p) {
    return new SourceSpec(id, kind, input, pacing, everyNth, annotate, maxRate, p, ffmpegOptions);
  }

  /** The same stream, opened with these FFmpeg options (for URLs and cameras). */
  public SourceSpec withFfmpegOptions(Map<String, String> options) {
    return new SourceSpec(
        id, kind, input, pacing, everyNth, annotate, maxRate, preprocessing, options);
  }

  /** A file released at its native rate (or {@code fps} when positive), optionally looping. */
  public static SourceSpec file(String id, Path file, double fps, boolean loop) {
    return new SourceSpec(id, Kind.FILE, file.toString(), Pacing.realtime(fps, loop), 1);
  }

  /** A numbered image sequence ({@code dir/img%04d.png}) released at {@code fps}. */
  public static SourceSpec images(String id, String pattern, double fps, boolean loop) {
    return new SourceSpec(id, Kind.IMAGES, pattern, Pacing.realtime(fps, loop), 1);
  }

  /** A network stream. */
  public static SourceSpec url(String id, String url) {
    return new SourceSpec(id, Kind.URL, url, Pacing.NONE, 1);
  }

  /**
   * Reads one entry of {@code vigil.run.streams}: {@code id} and exactly one of {@code file},
   * {@code images} (a numbered pattern such as {@code frames/%05d.png}), {@code url}, {@code
   * camera}; for files and images {@code loop} (default false), {@code fps} (default 0: native, 25
   * for images); {@code every-nth} (default 1); {@code max-rate} (frames per second kept, default
   * 0: all); {@code annotate} (a video file to write, default none); {@code resize}, {@code fill}
   * and {@code roi} as {@link Preprocessing#from} reads them, each defaulting to {@code defaults}'
   * (from {@code vigil.run.preprocess}); {@code options}, a map handed to FFmpeg as it is. Any
   * other key is an error naming its file, line and the nearest of these. Relative paths ({@code
   * file}, the folder of {@code images} and of {@code annotate}) are resolved by {@code paths}.
   *
   * @throws IllegalArgumentException naming the stream, the key and what is wrong with it
   */
  public static SourceSpec from(Config c, Preprocessing defaults, ConfigPaths paths) {
    ConfigKeys.checkKnown(c, KEYS, "stream " + (c.hasPath("id") ? c.getString("id") : "(no id)"));
    SourceSpec spec = fromWithoutAnnotation(c, paths);
    if (c.hasPath("max-rate")) {
      spec = spec.withMaxRate(c.getDouble("max-rate"));
    }
    spec = spec.withPreprocessing(Preprocessing.from(c, defaults, "stream " + spec.id()));
    if (c.hasPath("options")) {
      Map<String, String> options = new TreeMap<>();
      for (Map.Entry<String, ConfigValue> e : c.getConfig("options").entrySet()) {
        options.put(e.getKey(), String.valueOf(e.getValue().unwrapped()));
      }
      spec = spec.withFfmpegOptions(options);
    }
    return c.hasPath("annotate")
        ? spec.withAnnotation(paths.inFolder(c.getString("annotate")))
        : spec;
  }

  /** How a stream's frames are fitted when its entry does not say: {@code vigil.run.preprocess}. */
  public static Preprocessing defaultPreprocessing(Config config) {
    return config.hasPath("vigil.run.preprocess")
        ? Preprocessing.from(
            config.getConfig("vigil.run.preprocess"), Preprocessing.STRETCH, "vigil.run.preprocess")
        : Preprocessing.STRETCH;
  }

  /**
   * The streams of a real-time run: every entry of {@code vigil.run.streams}, fitted by default as
   * {@code vigil.run.preprocess} says, their paths taken as written.
   */
  public static List<SourceSpec> allFrom(Config config) {
    return allFrom(config, ConfigPaths.asWritten());
  }

  /**
   * The streams of a real-time run: every entry of {@code vigil.run.streams}, fitted by default as
   * {@code vigil.run.preprocess} says, their relative paths resolved by {@code paths}.
   */
  public static List<SourceSpec> allFrom(Config config, ConfigPaths paths) {
    Preprocessing defaults = defaultPreprocessing(config);
    List<SourceSpec> specs = new ArrayList<>();
    for (Config c : config.getConfigList("vigil.run.streams")) {
      specs.add(from(c, defaults, paths));
    }
    return specs;
  }

  /** {@link #from(Config, Preprocessing)} with whole frames stretched by default. */
  public static SourceSpec from(Config c) {
    return from(c, Preprocessing.STRETCH, ConfigPaths.asWritten());
  }

  private static SourceSpec fromWithoutAnnotation(Config c, ConfigPaths paths) {
    String id = c.hasPath("id") ? c.getString("id") : null;
    int given =
        (c.hasPath("file") ? 1 : 0)
            + (c.hasPath("images") ? 1 : 0)
            + (c.hasPath("url") ? 1 : 0)
            + (c.hasPath("camera") ? 1 : 0);
    if (given != 1) {
      throw new IllegalArgumentException(
          "stream " + id + ": give exactly one of file, images, url or camera (got " + given + ")");
    }
    int everyNth = c.hasPath("every-nth") ? c.getInt("every-nth") : 1;
    if (c.hasPath("file")) {
      boolean loop = c.hasPath("loop") && c.getBoolean("loop");
      double fps = c.hasPath("fps") ? c.getDouble("fps") : 0;
      return new SourceSpec(
          id,
          Kind.FILE,
          paths.apply(c.getString("file")).toString(),
          Pacing.realtime(fps, loop),
          everyNth);
    }
    if (c.hasPath("images")) {
      boolean loop = c.hasPath("loop") && c.getBoolean("loop");
      double fps = c.hasPath("fps") ? c.getDouble("fps") : 25;
      return new SourceSpec(
          id,
          Kind.IMAGES,
          paths.inFolder(c.getString("images")).toString(),
          Pacing.realtime(fps, loop),
          everyNth);
    }
    if (c.hasPath("url")) {
      return new SourceSpec(id, Kind.URL, c.getString("url"), Pacing.NONE, everyNth);
    }
    return new SourceSpec(id, Kind.CAMERA, c.getString("camera"), Pacing.NONE, everyNth);
  }
}

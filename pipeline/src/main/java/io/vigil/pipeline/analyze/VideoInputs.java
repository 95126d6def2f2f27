package io.vigil.pipeline.analyze;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Expands what a user names on the command line into video files: a file stays itself, a directory
 * gives its video files (by extension, not recursing), and a glob ({@code videos/*.avi}, {@code
 * data/**.mp4}) gives the files it matches. The result is sorted and has no duplicates.
 */
public final class VideoInputs {

  /** The extensions a directory's files are taken by. */
  public static final Set<String> VIDEO_EXTENSIONS =
      Set.of(
          "avi", "mp4", "mkv", "mov", "m4v", "webm", "mpg", "mpeg", "ts", "flv", "wmv", "3gp",
          "mjpeg", "y4m");

  private VideoInputs() {}

  /** Whether {@code arg} asks for more than one file: a directory or a glob. */
  public static boolean isMany(String arg) {
    return isGlob(arg) || Files.isDirectory(Path.of(arg));
  }

  /**
   * The video files {@code args} name.
   *
   * @throws IOException naming the argument when a directory or glob yields nothing, or a directory
   *     cannot be listed
   */
  public static List<Path> expand(List<String> args) throws IOException {
    Set<Path> files = new TreeSet<>();
    for (String arg : args) {
      if (isGlob(arg)) {
        List<Path> matched = glob(arg);
        if (matched.isEmpty()) {
          throw new IOException(arg + ": the pattern matches no file");
        }
        files.addAll(matched);
      } else if (Files.isDirectory(Path.of(arg))) {
        List<Path> found = directory(Path.of(arg));
        if (found.isEmpty()) {
          throw new IOException(
              arg + ": the directory holds no video file (" + String.join(", ", sorted()) + ")");
        }
        files.addAll(found);
      } else {
        // A plain path, even a missing one: its stream fails with the decoder's message.
        files.add(Path.of(arg));
      }
    }
    return new ArrayList<>(files);
  }

  private static boolean isGlob(String arg) {
    return arg.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
  }

  private static List<Path> directory(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(Files::isRegularFile).filter(VideoInputs::hasVideoExtension).toList();
    }
  }

  private static List<Path> glob(String pattern) throws IOException {
    int firstMeta = 0;
    while (firstMeta < pattern.length() && "*?[{".indexOf(pattern.charAt(firstMeta)) < 0) {
      firstMeta++;
    }
    int slash = pattern.lastIndexOf('/', firstMeta);
    Path base = slash < 0 ? Path.of(".") : Path.of(slash == 0 ? "/" : pattern.substring(0, slash));
    String rest = slash < 0 ? pattern : pattern.substring(slash + 1);
    boolean deep = rest.contains("/") || rest.contains("**");
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + rest);
    if (!Files.isDirectory(base)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(base, deep ? Integer.MAX_VALUE : 1)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> matcher.matches(base.relativize(p)))
          .map(p -> slash < 0 ? base.relativize(p) : p)
          .toList();
    }
  }

  private static boolean hasVideoExtension(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && VIDEO_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  private static List<String> sorted() {
    return VIDEO_EXTENSIONS.stream().sorted().map(e -> "." + e).toList();
  }
}

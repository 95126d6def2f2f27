package io.vigil.pipeline.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where a relative path written in a configuration file points, one rule for every path key (stream
 * {@code file}, {@code images}, {@code annotate} and {@code labels}, {@code vigil.run.model},
 * {@code vigil.run.out}, {@code vigil.registry.dir}, {@code vigil.retrain.inbox}, the clips of
 * {@code vigil.retrain.replay} and {@code original-test}): an absolute path is taken as it is; a
 * relative one from the working directory if it exists there, else from vigil's home (the
 * launcher's folder), so that a configuration shipped with vigil works from any directory.
 *
 * <p>What must exist is the path itself, except for a path that names files by a pattern or one
 * that is yet to be written ({@link #inFolder}): there it is the folder that holds them, so that an
 * annotated video lands beside the results of the same run.
 */
public final class ConfigPaths implements Function<String, Path> {

  private final Path workingDir;
  private final Path home;

  /**
   * @param workingDir the directory relative paths are looked up in first ({@code Path.of("")}: the
   *     process's own)
   * @param home vigil's home, where relative paths not found in {@code workingDir} are taken from
   */
  public ConfigPaths(Path workingDir, Path home) {
    this.workingDir = workingDir;
    this.home = home;
  }

  /** Relative paths looked up in the process's working directory first, then under {@code home}. */
  public static ConfigPaths from(Path home) {
    return new ConfigPaths(Path.of(""), home);
  }

  /** Paths taken as they are written (relative ones from the working directory). */
  public static ConfigPaths asWritten() {
    return new ConfigPaths(Path.of(""), Path.of(""));
  }

  /**
   * {@code path} as it is if absolute, else from the working directory if it exists there, else
   * from home.
   */
  @Override
  public Path apply(String path) {
    Path p = Path.of(path);
    if (p.isAbsolute()) {
      return p;
    }
    Path here = workingDir.resolve(p);
    return Files.exists(here) ? here : home.resolve(p);
  }

  /**
   * A file named by a pattern ({@code frames/%05d.png}) or yet to be written ({@code
   * target/run/cam.mp4}): its folder resolved as {@link #apply} does, the name kept.
   */
  public Path inFolder(String path) {
    Path p = Path.of(path);
    Path folder = p.getParent();
    if (p.isAbsolute() || folder == null) {
      return workingDir.resolve(p);
    }
    return apply(folder.toString()).resolve(p.getFileName());
  }
}

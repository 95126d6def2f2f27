package io.vigil.pipeline.video;

import io.vigil.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * Moves a labeled clip that cannot be used out of the way, with a note saying why, so that nothing
 * tries it again and a person can see what was wrong.
 *
 * <p>In {@code rejectedDir} the clip keeps its file name, its sidecar follows it ({@code
 * NAME.labels.csv}) and a note {@code NAME.why.txt} says what was wrong and when:
 *
 * <pre>
 * clip: inbox/night-07.mp4
 * rejected: 2027-01-12T09:30:00Z
 * reason: the label sidecar labels 600 frames, but the video decodes to 598
 * </pre>
 *
 * Nothing in {@code rejectedDir} is ever overwritten: when {@code NAME}, its sidecar or its note is
 * taken, the clip is renamed {@code BASE-1.EXT}, {@code BASE-2.EXT}, ... (the extension kept, so
 * the video still opens).
 */
public final class ClipQuarantine {

  /** Suffix of the note beside a clip that was moved aside. */
  public static final String NOTE_SUFFIX = ".why.txt";

  /** Names tried before giving up: a directory with this many clips of one name is a problem. */
  static final int MAX_SUFFIX = 10_000;

  private ClipQuarantine() {}

  /**
   * Moves {@code clip} and its sidecar (if there is one) into {@code rejectedDir} (created if
   * absent) and writes the note {@code NAME.why.txt} beside them with {@code reason} and the time
   * (ISO-8601, UTC).
   *
   * @return where the clip went
   * @throws NoSuchFileException if {@code clip} does not exist (a sidecar alone is not moved)
   * @throws IOException if a move or the note fails; a clip whose sidecar cannot follow it is moved
   *     back where it was
   */
  public static Path moveAside(Path clip, Path rejectedDir, String reason) throws IOException {
    return moveAside(clip, rejectedDir, reason, Clock.systemUTC());
  }

  /** As {@link #moveAside(Path, Path, String)}, the note's time read from {@code clock}. */
  public static Path moveAside(Path clip, Path rejectedDir, String reason, Clock clock)
      throws IOException {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(clock, "clock");
    if (!Files.exists(clip, LinkOption.NOFOLLOW_LINKS)) {
      throw new NoSuchFileException(clip.toString(), null, "no clip to move aside");
    }
    Files.createDirectories(rejectedDir);
    Path sidecar = LabelSidecar.pathFor(clip);
    boolean hasSidecar = Files.exists(sidecar, LinkOption.NOFOLLOW_LINKS);
    Path target = moveToFreeName(clip, rejectedDir);
    if (hasSidecar) {
      try {
        // The target's name was chosen with its sidecar and note free; without REPLACE_EXISTING
        // a file that appeared since is not overwritten (the move fails instead).
        Files.move(sidecar, LabelSidecar.pathFor(target));
      } catch (IOException e) {
        try {
          Files.move(target, clip);
        } catch (IOException back) {
          e.addSuppressed(back);
        }
        throw new IOException(
            "moving " + sidecar + " to " + rejectedDir + " failed: " + e.getMessage(), e);
      }
    }
    String note =
        "clip: "
            + clip
            + "\nrejected: "
            + Instant.now(clock)
            + "\nreason: "
            + reason.replace("\n", "\n  ")
            + "\n";
    AtomicFiles.write(noteFor(target), ByteBuffer.wrap(note.getBytes(StandardCharsets.UTF_8)));
    return target;
  }

  /** The note beside a clip that was moved aside: its file name plus {@value #NOTE_SUFFIX}. */
  public static Path noteFor(Path movedClip) {
    return movedClip.resolveSibling(movedClip.getFileName() + NOTE_SUFFIX);
  }

  /**
   * Moves {@code clip} into {@code dir} under the first name whose clip, sidecar and note are all
   * free, and returns it.
   */
  private static Path moveToFreeName(Path clip, Path dir) throws IOException {
    String name = clip.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String base = dot > 0 ? name.substring(0, dot) : name;
    String extension = dot > 0 ? name.substring(dot) : "";
    for (int n = 0; n < MAX_SUFFIX; n++) {
      Path target = dir.resolve(n == 0 ? name : base + "-" + n + extension);
      if (taken(target)) {
        continue;
      }
      try {
        Files.move(clip, target);
        return target;
      } catch (FileAlreadyExistsException raced) {
        // Taken between the look and the move: try the next name.
      }
    }
    throw new IOException(
        "cannot move "
            + clip
            + " aside: "
            + dir
            + " already holds "
            + MAX_SUFFIX
            + " clips named like it");
  }

  private static boolean taken(Path target) {
    return Files.exists(target, LinkOption.NOFOLLOW_LINKS)
        || Files.exists(LabelSidecar.pathFor(target), LinkOption.NOFOLLOW_LINKS)
        || Files.exists(noteFor(target), LinkOption.NOFOLLOW_LINKS);
  }
}

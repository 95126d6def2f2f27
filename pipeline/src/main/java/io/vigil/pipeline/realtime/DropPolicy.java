package io.vigil.pipeline.realtime;

import java.util.Locale;

/**
 * What the real-time buffer does when frames arrive faster than the engine takes them.
 *
 * <ul>
 *   <li>{@code drop-oldest} (default): a full buffer drops its oldest frame to make room, so what
 *       reaches the engine is as recent as possible.
 *   <li>{@code drop-newest}: a full buffer drops the arriving frame.
 *   <li>{@code skip-every-nth}: once the buffer is half full, every {@code n}-th frame arriving
 *       from each stream is dropped (thinning every stream evenly); a full buffer drops its oldest.
 * </ul>
 *
 * @param kind which of the three
 * @param n for {@code skip-every-nth}: drop one frame in {@code n} per stream (≥ 2)
 */
public record DropPolicy(Kind kind, int n) {

  /** The three policies. */
  public enum Kind {
    DROP_OLDEST,
    DROP_NEWEST,
    SKIP_EVERY_NTH
  }

  public static final DropPolicy DROP_OLDEST = new DropPolicy(Kind.DROP_OLDEST, 0);
  public static final DropPolicy DROP_NEWEST = new DropPolicy(Kind.DROP_NEWEST, 0);

  public DropPolicy {
    if (kind == Kind.SKIP_EVERY_NTH && n < 2) {
      throw new IllegalArgumentException("skip-every-nth needs n of at least 2, got " + n);
    }
  }

  @Override
  public String toString() {
    return kind == Kind.SKIP_EVERY_NTH
        ? "skip-every-nth(" + n + ")"
        : kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** Parses {@code drop-oldest}, {@code drop-newest} or {@code skip-every-nth} (with {@code n}). */
  public static DropPolicy parse(String name, int n) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "drop-oldest" -> DROP_OLDEST;
      case "drop-newest" -> DROP_NEWEST;
      case "skip-every-nth" -> new DropPolicy(Kind.SKIP_EVERY_NTH, n);
      default ->
          throw new IllegalArgumentException(
              "unknown drop policy '"
                  + name
                  + "'; known: drop-oldest, drop-newest, skip-every-nth");
    };
  }
}

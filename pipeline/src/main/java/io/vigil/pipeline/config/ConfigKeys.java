package io.vigil.pipeline.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rejects configuration keys that vigil does not know, so that a misspelt key is an error rather
 * than a setting silently left at its default. The known keys are those of {@code reference.conf}
 * (every key vigil reads is there, {@code null} where it has no default), so a section added there
 * later is known without a change here. A key is rejected with where it was written (the file and
 * the line) and the nearest known key by edit distance.
 *
 * <p>Free maps take any keys: an object that is empty in {@code reference.conf} (such as a map of
 * options handed on as they are), and the sections whose keys belong to another schema ({@code
 * vigil.blocking-dispatcher}, a Pekko dispatcher). Lists are not walked: their entries (the streams
 * of {@code vigil.run.streams}) are checked by their readers with {@link #checkKnown}.
 */
public final class ConfigKeys {

  /** Sections whose keys follow another schema than vigil's. */
  private static final Set<String> FREE = Set.of("vigil.blocking-dispatcher");

  private ConfigKeys() {}

  /**
   * Checks every key under {@code path} in {@code config} against {@code reference.conf}.
   *
   * @throws IllegalArgumentException naming the file and line of the first unknown key, the key,
   *     and the nearest known one
   */
  public static void check(Config config, String path) {
    checkAgainst(config, ConfigFactory.defaultReference(), path);
  }

  /** {@link #check} against another reference (for tests, and for files of other schemas). */
  public static void checkAgainst(Config config, Config reference, String path) {
    if (!config.hasPathOrNull(path) || !(config.getValue(path) instanceof ConfigObject given)) {
      return;
    }
    if (!reference.hasPathOrNull(path)) {
      throw unknown(config.getValue(path).origin(), path, nearestPath(path, reference, path));
    }
    if (reference.getValue(path) instanceof ConfigObject known) {
      walk(given, known, path, reference, path);
    }
  }

  /**
   * Checks that every key of {@code entry} is one of {@code known} (its values are not walked).
   *
   * @param owner names the entry in the message, e.g. {@code stream lobby}
   * @throws IllegalArgumentException naming the file and line of the first unknown key, the entry,
   *     the key, and the nearest known one
   */
  public static void checkKnown(Config entry, Collection<String> known, String owner) {
    for (Map.Entry<String, ConfigValue> e : entry.root().entrySet()) {
      if (!known.contains(e.getKey())) {
        throw new IllegalArgumentException(
            where(e.getValue().origin())
                + ": "
                + owner
                + ": unknown key '"
                + e.getKey()
                + "' (did you mean '"
                + nearest(e.getKey(), known)
                + "'?)");
      }
    }
  }

  private static void walk(
      ConfigObject given, ConfigObject known, String at, Config reference, String root) {
    if (FREE.contains(at) || known.isEmpty()) {
      return;
    }
    for (Map.Entry<String, ConfigValue> e : given.entrySet()) {
      String path = at + "." + quoted(e.getKey());
      ConfigValue knownValue = known.get(e.getKey());
      if (knownValue == null) {
        throw unknown(e.getValue().origin(), path, nearestPath(path, reference, root));
      }
      if (e.getValue() instanceof ConfigObject child && knownValue instanceof ConfigObject kids) {
        walk(child, kids, path, reference, root);
      }
    }
  }

  private static IllegalArgumentException unknown(ConfigOrigin origin, String key, String nearest) {
    return new IllegalArgumentException(
        where(origin)
            + ": unknown configuration key '"
            + key
            + "'"
            + (nearest == null ? "" : " (did you mean '" + nearest + "'?)"));
  }

  /** {@code file:line}, or the origin's own description where it has no file. */
  static String where(ConfigOrigin origin) {
    if (origin.filename() != null) {
      return origin.filename() + (origin.lineNumber() > 0 ? ":" + origin.lineNumber() : "");
    }
    return origin.description();
  }

  /**
   * The known path nearest {@code path}: the smallest edit distance between last keys, one more
   * where the parent differs, and among equals the one sharing the most of {@code path}'s parents.
   */
  private static String nearestPath(String path, Config reference, String root) {
    List<String> candidates = new ArrayList<>();
    if (reference.hasPathOrNull(root) && reference.getValue(root) instanceof ConfigObject o) {
      collect(o, root, candidates);
    } else if (root.contains(".")) {
      String parent = root.substring(0, root.lastIndexOf('.'));
      if (reference.hasPathOrNull(parent) && reference.getValue(parent) instanceof ConfigObject o) {
        collect(o, parent, candidates);
      }
    }
    String best = null;
    long bestScore = Long.MAX_VALUE;
    String parent = parent(path);
    for (String candidate : candidates) {
      long score =
          (long) distance(last(path), last(candidate)) * 1000
              + (parent(candidate).equals(parent) ? 0 : 1000)
              - common(path, candidate);
      if (score < bestScore) {
        bestScore = score;
        best = candidate;
      }
    }
    return best;
  }

  private static void collect(ConfigObject object, String at, List<String> out) {
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      String path = at + "." + quoted(e.getKey());
      out.add(path);
      if (!FREE.contains(path) && e.getValue() instanceof ConfigObject child) {
        collect(child, path, out);
      }
    }
  }

  /** The candidate nearest {@code key} by edit distance (the first of equals). */
  static String nearest(String key, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(key, c);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    return best;
  }

  /**
   * The edit distance between {@code a} and {@code b}: insertions, deletions, substitutions and
   * swaps of two neighbouring characters, each costing one (optimal string alignment).
   */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  /** Characters {@code a} and {@code b} share from the start. */
  private static int common(String a, String b) {
    int n = 0;
    while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n)) {
      n++;
    }
    return n;
  }

  private static String parent(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? "" : path.substring(0, dot);
  }

  private static String last(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }

  /** A key as a path element: quoted where it holds a dot or other special characters. */
  private static String quoted(String key) {
    return key.matches("[A-Za-z0-9_-]+") ? key : com.typesafe.config.ConfigUtil.quoteString(key);
  }
}

package io.vigil.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packages of the pipeline's main sources import each other without a cycle, in layers from
 * bottom to top (the design's order; docs/ARCHITECTURE.md lists what each holds): {@code config}
 * and {@code registry}, which import no other pipeline package &lt; {@code result} &lt; {@code
 * frame} &lt; {@code video} &lt; {@code stream} &lt; {@code analyze}, {@code realtime}, {@code
 * window} &lt; {@code control} &lt; {@code demo}, {@code service} &lt; {@code cli}. No package
 * imports one above it; packages of one layer may use each other one way. A new package needs a
 * place here.
 *
 * <p>Package {@code a} uses package {@code b} when a source file of {@code a} names {@code
 * io.vigil.pipeline.b.} in code: an import (static or not) or a fully qualified name. Comments and
 * string literals are left out, so a javadoc link written out in full does not count.
 */
class PackageDependenciesTest {

  private static final Path SOURCES = Path.of("src/main/java/io/vigil/pipeline");

  /** Bottom to top; a package may use packages of its own layer and of the layers below. */
  private static final List<Set<String>> LAYERS =
      List.of(
          Set.of("config", "registry"),
          Set.of("result"),
          Set.of("frame"),
          Set.of("video"),
          Set.of("stream"),
          Set.of("analyze", "realtime", "window"),
          Set.of("control"),
          Set.of("demo", "service"),
          Set.of("cli"));

  private static final Pattern REFERENCE =
      Pattern.compile("\\bio\\.vigil\\.pipeline\\.([a-z]\\w*)\\.(\\w+|\\*)");

  private static Graph graph;

  @BeforeAll
  static void readSources() throws IOException {
    assertTrue(
        Files.isDirectory(SOURCES),
        SOURCES.toAbsolutePath() + " is not a folder: the test runs in the pipeline module");
    graph = Graph.of(SOURCES);
  }

  @Test
  void everyPackageHasAPlace() {
    Set<String> layered =
        LAYERS.stream().flatMap(Set::stream).collect(Collectors.toCollection(TreeSet::new));
    List<String> unplaced =
        graph.packages().stream().filter(p -> !layered.contains(p)).collect(Collectors.toList());
    assertTrue(
        unplaced.isEmpty(),
        "packages with no place in the layering (add them to LAYERS and to docs/ARCHITECTURE.md): "
            + unplaced);
    assertTrue(
        graph.packages().containsAll(layered),
        "layered packages not found under " + SOURCES + ": " + difference(layered));
  }

  @Test
  void noPackageCycles() {
    List<String> cycles = graph.cycles();
    assertTrue(cycles.isEmpty(), "package cycles:\n" + String.join("\n", cycles));
  }

  @Test
  void noPackageImportsOneAboveIt() {
    List<String> upward = new ArrayList<>();
    for (String from : graph.packages()) {
      for (String to : graph.uses(from)) {
        int a = layerOf(from);
        int b = layerOf(to);
        if (a >= 0 && b > a) {
          upward.add(from + " -> " + to + " (" + graph.evidence(from, to) + ")");
        }
      }
    }
    assertTrue(upward.isEmpty(), "imports of a package above:\n" + String.join("\n", upward));
  }

  @Test
  void everyCycleIsNamedOnceWithTheFilesThatMakeIt() {
    Graph g = new Graph();
    g.add("analyze", "BatchAnalyzeJob", "stream.DecoderSource");
    g.add("stream", "EngineClassifier", "result.FrameResult");
    g.add("stream", "EngineClassifier", "analyze.LabelScore");
    g.add("stream", "DecoderSource", "window.WindowPreprocessor");
    g.add("window", "WindowMapClassifier", "stream.StreamItem");
    g.add("video", "DecodedFrame", "result.DecodeReport");
    g.add("result", "FrameResult", "frame.StreamItem");
    g.add("frame", "WindowGeometry", "video.RegionOfInterest");
    assertEquals(
        List.of(
            "analyze -> stream -> analyze: analyze -> stream (BatchAnalyzeJob uses DecoderSource);"
                + " stream -> analyze (EngineClassifier uses LabelScore)",
            "frame -> video -> result -> frame: frame -> video (WindowGeometry uses"
                + " RegionOfInterest); video -> result (DecodedFrame uses DecodeReport);"
                + " result -> frame (FrameResult uses StreamItem)",
            "stream -> window -> stream: stream -> window (DecoderSource uses WindowPreprocessor);"
                + " window -> stream (WindowMapClassifier uses StreamItem)"),
        g.cycles());
  }

  @Test
  void commentsAndStringsDoNotCount() {
    String source =
        "package io.vigil.pipeline.frame;\n"
            + "import io.vigil.pipeline.result.FrameResult;\n"
            + "/** See {@link io.vigil.pipeline.stream.InferenceWindow}. */\n"
            + "class A { // io.vigil.pipeline.cli.Main\n"
            + "  String s = \"io.vigil.pipeline.control.X \\\" io.vigil.pipeline.demo.Y\";\n"
            + "  char c = '\"';\n"
            + "  String t = \"\"\"\n    io.vigil.pipeline.analyze.Z\n    \"\"\";\n"
            + "  io.vigil.pipeline.video.VideoDecoder d;\n"
            + "}\n";
    Graph g = new Graph();
    g.read("frame", "A", source);
    assertEquals(Set.of("result", "video"), g.uses("frame"));
  }

  private static int layerOf(String pkg) {
    for (int i = 0; i < LAYERS.size(); i++) {
      if (LAYERS.get(i).contains(pkg)) {
        return i;
      }
    }
    return -1;
  }

  private static Set<String> difference(Set<String> layered) {
    Set<String> missing = new TreeSet<>(layered);
    missing.removeAll(graph.packages());
    return missing;
  }

  /** Which package uses which, and through which files and classes. */
  static final class Graph {

    /** from → to → "File uses Class" (sorted). */
    private final Map<String, Map<String, Set<String>>> edges = new TreeMap<>();

    static Graph of(Path root) throws IOException {
      Graph g = new Graph();
      try (Stream<Path> files = Files.walk(root)) {
        files
            .filter(f -> f.toString().endsWith(".java"))
            .sorted()
            .forEach(
                f -> {
                  Path relative = root.relativize(f);
                  String pkg =
                      relative.getNameCount() > 1 ? relative.getName(0).toString() : "(root)";
                  String file = f.getFileName().toString().replace(".java", "");
                  try {
                    g.read(pkg, file, Files.readString(f));
                  } catch (IOException e) {
                    throw new UncheckedIOException(f.toString(), e);
                  }
                });
      }
      return g;
    }

    void read(String pkg, String file, String source) {
      edges.computeIfAbsent(pkg, k -> new TreeMap<>());
      Matcher m = REFERENCE.matcher(codeOnly(source));
      while (m.find()) {
        add(pkg, file, m.group(1) + "." + m.group(2));
      }
    }

    /** Records that {@code file} of {@code from} uses {@code target} ("package.Class"). */
    void add(String from, String file, String target) {
      String to = target.substring(0, target.indexOf('.'));
      edges.computeIfAbsent(to, k -> new TreeMap<>());
      if (!to.equals(from)) {
        edges
            .computeIfAbsent(from, k -> new TreeMap<>())
            .computeIfAbsent(to, k -> new TreeSet<>())
            .add(file + " uses " + target.substring(to.length() + 1));
      }
    }

    Set<String> packages() {
      return edges.keySet();
    }

    Set<String> uses(String pkg) {
      return edges.getOrDefault(pkg, Map.of()).keySet();
    }

    /** The first few files and classes behind {@code from -> to}. */
    String evidence(String from, String to) {
      Set<String> all = edges.get(from).get(to);
      String shown = all.stream().limit(3).collect(Collectors.joining(", "));
      return all.size() > 3 ? shown + ", … " + (all.size() - 3) + " more" : shown;
    }

    /**
     * The cycles of the graph, one a line, as {@code a -> b -> a: a -> b (File uses Class); b -> a
     * (…)}: for every package that lies on a cycle, the shortest cycle through it (a cycle found
     * from two of its packages is named once).
     */
    List<String> cycles() {
      Set<List<String>> found = new LinkedHashSet<>();
      for (Set<String> group : stronglyConnected()) {
        if (group.size() < 2) {
          continue;
        }
        for (String start : group) {
          found.add(fromSmallest(shortestCycle(start, group)));
        }
      }
      List<String> named = new ArrayList<>();
      for (List<String> cycle : found) {
        List<String> steps = new ArrayList<>();
        for (int i = 0; i + 1 < cycle.size(); i++) {
          String a = cycle.get(i);
          String b = cycle.get(i + 1);
          steps.add(a + " -> " + b + " (" + evidence(a, b) + ")");
        }
        named.add(String.join(" -> ", cycle) + ": " + String.join("; ", steps));
      }
      named.sort(null);
      return named;
    }

    /** The same cycle, {@code a -> … -> a}, started at its alphabetically first package. */
    private static List<String> fromSmallest(List<String> cycle) {
      List<String> ring = cycle.subList(0, cycle.size() - 1);
      int first = ring.indexOf(new TreeSet<>(ring).first());
      List<String> turned = new ArrayList<>(ring.subList(first, ring.size()));
      turned.addAll(ring.subList(0, first));
      turned.add(turned.get(0));
      return turned;
    }

    /** Breadth first from {@code start} back to it, inside {@code group}. */
    private List<String> shortestCycle(String start, Set<String> group) {
      Map<String, String> cameFrom = new HashMap<>();
      Deque<String> queue = new ArrayDeque<>();
      queue.add(start);
      while (!queue.isEmpty()) {
        String at = queue.remove();
        for (String next : uses(at)) {
          if (!group.contains(next)) {
            continue;
          }
          if (next.equals(start)) {
            List<String> path = new ArrayList<>();
            for (String p = at; p != null; p = cameFrom.get(p)) {
              path.add(0, p);
            }
            path.add(start);
            return path;
          }
          if (!cameFrom.containsKey(next)) {
            cameFrom.put(next, at);
            queue.add(next);
          }
        }
      }
      throw new IllegalStateException(start + " is in a strongly connected group but on no cycle");
    }

    /** Tarjan's strongly connected components, each sorted by name. */
    private List<Set<String>> stronglyConnected() {
      Map<String, Integer> index = new HashMap<>();
      Map<String, Integer> low = new HashMap<>();
      Deque<String> stack = new ArrayDeque<>();
      Set<String> onStack = new TreeSet<>();
      List<Set<String>> groups = new ArrayList<>();
      for (String pkg : packages()) {
        if (!index.containsKey(pkg)) {
          connect(pkg, index, low, stack, onStack, groups);
        }
      }
      return groups;
    }

    private void connect(
        String v,
        Map<String, Integer> index,
        Map<String, Integer> low,
        Deque<String> stack,
        Set<String> onStack,
        List<Set<String>> groups) {
      index.put(v, index.size());
      low.put(v, index.get(v));
      stack.push(v);
      onStack.add(v);
      for (String w : uses(v)) {
        if (!index.containsKey(w)) {
          connect(w, index, low, stack, onStack, groups);
          low.put(v, Math.min(low.get(v), low.get(w)));
        } else if (onStack.contains(w)) {
          low.put(v, Math.min(low.get(v), index.get(w)));
        }
      }
      if (low.get(v).equals(index.get(v))) {
        Set<String> group = new TreeSet<>();
        String w;
        do {
          w = stack.pop();
          onStack.remove(w);
          group.add(w);
        } while (!w.equals(v));
        groups.add(group);
      }
    }

    /**
     * {@code source} with comments, string and text-block literals and character literals blanked
     * out, so that only code is searched for references.
     */
    static String codeOnly(String source) {
      StringBuilder code = new StringBuilder(source.length());
      int i = 0;
      int n = source.length();
      while (i < n) {
        char c = source.charAt(i);
        if (source.startsWith("//", i)) {
          i = source.indexOf('\n', i);
          i = i < 0 ? n : i;
        } else if (source.startsWith("/*", i)) {
          int end = source.indexOf("*/", i + 2);
          i = end < 0 ? n : end + 2;
          code.append(' ');
        } else if (source.startsWith("\"\"\"", i)) {
          int end = i + 3;
          while (end < n && !source.startsWith("\"\"\"", end)) {
            end += source.charAt(end) == '\\' ? 2 : 1;
          }
          i = Math.min(n, end + 3);
          code.append("\"\"");
        } else if (c == '"' || c == '\'') {
          int end = i + 1;
          while (end < n && source.charAt(end) != c && source.charAt(end) != '\n') {
            end += source.charAt(end) == '\\' ? 2 : 1;
          }
          i = Math.min(n, end + 1);
          code.append(c).append(c);
        } else {
          code.append(c);
          i++;
        }
      }
      return code.toString();
    }
  }
}

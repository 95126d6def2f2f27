package io.vigil.engine.model;

import io.vigil.engine.network.NetworkSpec;
import io.vigil.engine.network.NodeSpec;
import io.vigil.engine.summary.NetworkSummary;
import io.vigil.engine.tensor.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks a model file's header against the file and against sane limits before anything is
 * allocated from it. A checksum only proves that the bytes are the ones written, not that the
 * writer told the truth: a crafted header can claim a layer of five million outputs, negative or
 * overflowing sizes, or tensors past the end of the file. Every size is checked here as a {@code
 * long}, so a lie ends in a {@link ModelFileException} naming the file, the layer or tensor and the
 * value, never in an allocation the file cannot fill or an arithmetic error.
 *
 * <p>The limits: every node's output (and the input) holds at most {@link #MAX_VALUES_PER_IMAGE}
 * values per image, and the graph's parameters and saved state, counted layer by layer from the
 * specs, fit in the weights the file holds.
 */
final class ModelFileChecks {

  /**
   * The most values one node's output may hold per image: 2²⁸ floats (1 GiB), some eighty times
   * VGG-16's largest layer at 224 × 224.
   */
  static final long MAX_VALUES_PER_IMAGE = 1L << 28;

  private ModelFileChecks() {}

  /**
   * The floats the tensor table says the weight block holds (the end of its furthest tensor), or −1
   * when the table is missing or malformed (a negative or overflowing offset or length); {@link
   * #check} then says what is wrong.
   */
  static long extent(ModelFileHeader header) {
    if (header.tensors() == null) {
      return -1;
    }
    long floats = 0;
    for (ModelFileHeader.TensorEntry t : header.tensors()) {
      if (t == null
          || t.offset() < 0
          || t.length() < 0
          || t.offset() > Long.MAX_VALUE / 8 - t.length()) {
        return -1;
      }
      floats = Math.max(floats, t.offset() + t.length());
    }
    return floats;
  }

  /**
   * Checks that the header has every part, that every tensor lies inside the {@code weightFloats}
   * floats of the weight block, and that the graph's sizes are positive, within the limits and
   * within the weights the file holds.
   *
   * @throws ModelFileException naming {@code file}, the part, layer or tensor, and the bad value
   */
  static void check(Path file, ModelFileHeader header, long weightFloats)
      throws ModelFileException {
    requireParts(file, header);
    checkTensors(file, header.tensors(), weightFloats);
    checkGraph(file, header.graph(), weightFloats);
  }

  private static void requireParts(Path file, ModelFileHeader h) throws ModelFileException {
    String missing =
        h.name() == null
            ? "name"
            : h.version() == null
                ? "version"
                : h.graph() == null
                    ? "graph"
                    : h.input() == null
                        ? "input"
                        : h.classNames() == null || h.classNames().contains(null)
                            ? "classNames"
                            : h.provenance() == null
                                ? "provenance"
                                : h.tensors() == null ? "tensors" : null;
    if (missing != null) {
      throw new ModelFileException(file + ": the header has no " + missing);
    }
  }

  private static void checkTensors(
      Path file, List<ModelFileHeader.TensorEntry> tensors, long weightFloats)
      throws ModelFileException {
    for (int i = 0; i < tensors.size(); i++) {
      ModelFileHeader.TensorEntry t = tensors.get(i);
      if (t == null || t.name() == null || t.shape() == null || t.shape().length != 4) {
        throw new ModelFileException(
            file
                + ": tensor "
                + i
                + " of the table has no name or no shape of four sizes: "
                + (t == null ? "null" : t.name() + " " + Arrays.toString(t.shape())));
      }
      if (t.offset() < 0 || t.offset() > weightFloats) {
        throw new ModelFileException(
            String.format(
                Locale.ROOT,
                "%s: tensor %d (%s) starts at float %d, outside the %,d floats of weights the file"
                    + " holds",
                file,
                i,
                t.name(),
                t.offset(),
                weightFloats));
      }
      if (t.length() < 0 || t.length() > weightFloats - t.offset()) {
        throw new ModelFileException(
            String.format(
                Locale.ROOT,
                "%s: tensor %d (%s) of %d floats at float %d runs past the %,d floats of weights"
                    + " the file holds",
                file,
                i,
                t.name(),
                t.length(),
                t.offset(),
                weightFloats));
      }
    }
  }

  private static void checkGraph(Path file, NetworkSpec graph, long weightFloats)
      throws ModelFileException {
    if (graph.channels() < 1 || graph.height() < 1 || graph.width() < 1) {
      throw new ModelFileException(
          file
              + ": the graph's input "
              + graph.channels()
              + "×"
              + graph.height()
              + "×"
              + graph.width()
              + " has a size below 1");
    }
    long input = values(graph.channels(), graph.height(), graph.width());
    if (input > MAX_VALUES_PER_IMAGE) {
      throw new ModelFileException(
          String.format(
              Locale.ROOT,
              "%s: the graph's input %d×%d×%d is %,d values per image, more than the limit of %,d",
              file,
              graph.channels(),
              graph.height(),
              graph.width(),
              input,
              MAX_VALUES_PER_IMAGE));
    }
    // Each node's shape from the specs alone, checked before the next one is computed from it.
    Map<String, Shape> shapes = new HashMap<>();
    shapes.put(NetworkSpec.INPUT, graph.inputShape());
    for (NodeSpec node : graph.nodes()) {
      List<Shape> in = new ArrayList<>();
      node.inputs().forEach(name -> in.add(shapes.get(name)));
      Shape out;
      try {
        out = node.layer().outputShape(node.name(), in);
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw new ModelFileException(
            file + ": layer " + describe(node) + " is impossible: " + e.getMessage(), e);
      }
      long values = values(out.c(), out.h(), out.w());
      if (values > MAX_VALUES_PER_IMAGE) {
        throw new ModelFileException(
            String.format(
                Locale.ROOT,
                "%s: layer %s gives %d×%d×%d = %,d values per image, more than the limit of %,d",
                file,
                describe(node),
                out.c(),
                out.h(),
                out.w(),
                values,
                MAX_VALUES_PER_IMAGE));
      }
      shapes.put(node.name(), out);
    }
    checkWeights(file, graph, weightFloats);
  }

  /** The parameters and state the graph will allocate, layer by layer, against the file's. */
  private static void checkWeights(Path file, NetworkSpec graph, long weightFloats)
      throws ModelFileException {
    List<NetworkSummary.Row> rows;
    try {
      rows = NetworkSummary.of(graph).rows();
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new ModelFileException(file + ": invalid graph: " + e.getMessage(), e);
    }
    long sum = 0;
    for (int i = 0; i < rows.size(); i++) {
      NetworkSummary.Row row = rows.get(i);
      long needs = row.parameters() + row.state();
      if (row.parameters() < 0 || row.state() < 0 || needs < 0 || needs > weightFloats - sum) {
        throw new ModelFileException(
            String.format(
                Locale.ROOT,
                "%s: layer %s needs %,d weights, but the file holds %,d in all%s",
                file,
                describe(graph.nodes().get(i)),
                needs,
                weightFloats,
                sum > 0
                    ? String.format(Locale.ROOT, " (%,d taken by the layers before it)", sum)
                    : ""));
      }
      sum += needs;
    }
  }

  /**
   * {@code c·h·w} of positive sizes as a long; {@link Long#MAX_VALUE} where even that overflows.
   */
  private static long values(int c, int h, int w) {
    try {
      return Math.multiplyExact((long) c * h, w);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** The node's name and spec, e.g. {@code fc3 LinearSpec[outputs=10]}. */
  private static String describe(NodeSpec node) {
    return node.name() + " " + node.layer();
  }
}

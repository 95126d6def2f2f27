package io.vigil.engine.summary;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.MaxPool2dSpec;
import io.vigil.engine.network.InferenceFusion;
import io.vigil.engine.network.NetworkSpec;
import io.vigil.engine.network.NodeSpec;
import io.vigil.engine.tensor.Shape;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The memory a network will hold on its backend, counted from the spec with {@link
 * NetworkSummary}'s per-layer sizes before anything is allocated, so that a backend with a fixed
 * memory can refuse it ({@link Backend#checkFits}) instead of failing halfway through. It counts
 * what is sure to be allocated: every parameter's value and saved state when the network is placed
 * (parameter gradients wait for training); for an executor of {@code n} images, the input, every
 * node's output (twice with gradients; at inference, nodes that {@link InferenceFusion} folds or
 * views share another's), convolution columns, max-pool switches, and with gradients the parameter
 * gradients and one optimizer copy of the parameters (SGD's velocity; Adam keeps two). Small extras
 * (spare gradients of branch points, bias-sized scratch) are left out: the estimate is a lower
 * bound, and what it misses still fails at allocation with the backend's own message.
 */
public final class MemoryFootprint {

  private static final long FLOAT = 4;

  private final NetworkSpec spec;
  private final NetworkSummary summary;

  private MemoryFootprint(NetworkSpec spec) {
    this.spec = spec;
    this.summary = NetworkSummary.of(spec);
  }

  /** The footprint of {@code spec}, computed from its layers' sizes; nothing is allocated. */
  public static MemoryFootprint of(NetworkSpec spec) {
    return new MemoryFootprint(spec);
  }

  /**
   * Asks {@code backend} whether the parameters and saved state fit; their gradients are counted
   * with a training executor ({@link #checkExecutor}), as they are allocated when training starts.
   */
  public void checkParameters(Backend backend) {
    long parameters = summary.totalParameters();
    NetworkSummary.Row largest =
        summary.rows().stream()
            .max(Comparator.comparingLong(NetworkSummary.Row::parameters))
            .orElseThrow();
    long bytes = FLOAT * (parameters + summary.totalState());
    backend.checkFits(
        () ->
            String.format(
                Locale.ROOT,
                "%s [%,d parameters%s; largest buffer: %s weights]",
                describe(),
                parameters,
                summary.totalState() > 0
                    ? String.format(Locale.ROOT, " and %,d saved statistics", summary.totalState())
                    : "",
                largest.name()),
        bytes,
        FLOAT * largest.parameters());
  }

  /** Asks {@code backend} whether an executor's buffers for {@code batch} images fit. */
  public void checkExecutor(Backend backend, int batch, boolean withGradients) {
    Map<String, Shape> shapes = spec.shapes();
    long activations = summary.totalActivations();
    long columns = 0;
    long switches = 0;
    long largest = summary.input().perImage();
    String largestName = "input";
    // At inference an activation folded into the layer before it has no buffer of its own.
    int[] folded = withGradients ? null : InferenceFusion.foldedInto(spec);
    int[] views = withGradients ? null : InferenceFusion.views(spec);
    for (int i = 0; i < spec.nodes().size(); i++) {
      NodeSpec node = spec.nodes().get(i);
      Shape out = shapes.get(node.name());
      if (folded != null && (folded[i] >= 0 || views[i] >= 0)) {
        activations -= out.perImage();
      }
      if (out.perImage() > largest) {
        largest = out.perImage();
        largestName = node.name() + " output";
      }
      if (node.layer() instanceof Conv2dSpec conv) {
        Shape in = shapes.get(node.inputs().get(0));
        long cols = (long) in.c() * conv.kernelH() * conv.kernelW() * out.h() * out.w();
        columns += cols;
        if (cols > largest) {
          largest = cols;
          largestName = node.name() + " columns (im2col)";
        }
      } else if (node.layer() instanceof MaxPool2dSpec) {
        switches += out.perImage();
      }
    }
    long perImage = activations * (withGradients ? 2 : 1) + columns + switches;
    // Parameter gradients, allocated on the first backward pass, and one optimizer copy.
    long optimizer = withGradients ? 2 * summary.totalParameters() : 0;
    long bytes = FLOAT * ((long) batch * perImage + optimizer);
    long activationFloats = activations;
    long columnFloats = columns;
    long switchFloats = switches;
    String largestBuffer = largestName;
    backend.checkFits(
        () ->
            String.format(
                Locale.ROOT,
                "%s for batches of %d%s [activations%s %s, convolution columns %s, pooling"
                    + " switches %s%s; largest buffer: %s]",
                describe(),
                batch,
                withGradients ? " with gradients" : "",
                withGradients ? " and their gradients" : "",
                size(FLOAT * batch * activationFloats * (withGradients ? 2 : 1)),
                size(FLOAT * batch * columnFloats),
                size(FLOAT * batch * switchFloats),
                withGradients
                    ? ", parameter gradients and optimizer state " + size(FLOAT * optimizer)
                    : "",
                largestBuffer),
        bytes,
        FLOAT * batch * largest);
  }

  private String describe() {
    List<NodeSpec> nodes = spec.nodes();
    return String.format(
        Locale.ROOT,
        "network %s…%s (%d layers, input %d×%d×%d)",
        nodes.get(0).name(),
        nodes.get(nodes.size() - 1).name(),
        nodes.size(),
        spec.channels(),
        spec.height(),
        spec.width());
  }

  private static String size(long bytes) {
    return String.format(Locale.ROOT, "%,d bytes (%.1f MiB)", bytes, bytes / 1048576.0);
  }
}

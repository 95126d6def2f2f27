package io.vigil.onnx;

import io.vigil.engine.layer.AddSpec;
import io.vigil.engine.layer.AvgPool2dSpec;
import io.vigil.engine.layer.BatchNormSpec;
import io.vigil.engine.layer.ConcatSpec;
import io.vigil.engine.layer.ConnectionTableConv2dSpec;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.ConvTranspose2dSpec;
import io.vigil.engine.layer.DropoutSpec;
import io.vigil.engine.layer.FlattenSpec;
import io.vigil.engine.layer.GlobalAvgPoolSpec;
import io.vigil.engine.layer.L2Pool2dSpec;
import io.vigil.engine.layer.Layer;
import io.vigil.engine.layer.LayerSpec;
import io.vigil.engine.layer.LeakyReluSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.LocallyConnected2dSpec;
import io.vigil.engine.layer.LrnSpec;
import io.vigil.engine.layer.MaxPool2dSpec;
import io.vigil.engine.layer.ReluSpec;
import io.vigil.engine.layer.SigmoidSpec;
import io.vigil.engine.layer.SoftmaxSpec;
import io.vigil.engine.layer.SubsamplingSpec;
import io.vigil.engine.layer.TanhSpec;
import io.vigil.engine.network.NodeSpec;
import io.vigil.engine.tensor.Shape;
import io.vigil.onnx.ExportGraph.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * One vigil node as ONNX nodes (opset 13) that compute the same numbers. The windowed layers
 * (convolutions, pools) are in {@link ExportWindows}; here are the rest and the dispatch. A layer
 * ONNX cannot express exactly is refused with an {@link OnnxFormatException} naming it; the
 * exporter never writes an approximation.
 */
final class ExportLayers {

  private ExportLayers() {}

  /** Emits {@code node} (built as {@code layer}) reading {@code inputs}; returns its value. */
  static Value emit(
      ExportGraph g, NodeSpec node, Layer layer, List<Value> inputs, List<Shape> inputShapes)
      throws OnnxFormatException {
    LayerSpec spec = node.layer();
    String name = node.name();
    Value in = inputs.get(0);
    Shape shape = inputShapes.get(0);
    if (spec instanceof Conv2dSpec conv) {
      return ExportWindows.conv(g, node, layer, g.image(in, shape, name + "_image"), shape, conv);
    } else if (spec instanceof ConvTranspose2dSpec conv) {
      return ExportWindows.convTranspose(g, node, layer, g.image(in, shape, name + "_image"), conv);
    } else if (spec instanceof MaxPool2dSpec pool) {
      return ExportWindows.maxPool(g, node, g.image(in, shape, name + "_image"), shape, pool);
    } else if (spec instanceof AvgPool2dSpec pool) {
      return ExportWindows.avgPool(g, node, g.image(in, shape, name + "_image"), shape, pool);
    } else if (spec instanceof L2Pool2dSpec pool) {
      return ExportWindows.l2Pool(g, node, g.image(in, shape, name + "_image"), shape, pool);
    } else if (spec instanceof GlobalAvgPoolSpec) {
      Value image = g.image(in, shape, name + "_image");
      return new Value(g.node("GlobalAveragePool", name, List.of(image.name())), 4);
    } else if (spec instanceof ReluSpec) {
      return new Value(g.node("Relu", name, List.of(in.name())), in.rank());
    } else if (spec instanceof LeakyReluSpec leaky) {
      return new Value(
          g.node(
              "LeakyRelu", name, List.of(in.name()), ExportAttributes.real("alpha", leaky.alpha())),
          in.rank());
    } else if (spec instanceof SigmoidSpec) {
      return new Value(g.node("Sigmoid", name, List.of(in.name())), in.rank());
    } else if (spec instanceof TanhSpec) {
      return new Value(g.node("Tanh", name, List.of(in.name())), in.rank());
    } else if (spec instanceof FlattenSpec) {
      // Written even when the value is already flat, so the graph keeps the spec's nodes.
      return new Value(
          g.node("Flatten", name, List.of(in.name()), ExportAttributes.integer("axis", 1)), 2);
    } else if (spec instanceof LinearSpec linear) {
      return linear(g, name, layer, in, shape, linear);
    } else if (spec instanceof AddSpec) {
      return add(g, name, inputs, inputShapes);
    } else if (spec instanceof ConcatSpec) {
      List<String> names = names(g, name, inputs, inputShapes);
      return new Value(
          g.node("Concat", name, names, ExportAttributes.integer("axis", 1)),
          sameRank(inputs) ? in.rank() : 4);
    } else if (spec instanceof BatchNormSpec bn) {
      return batchNorm(g, name, layer, in, shape, bn);
    } else if (spec instanceof LrnSpec lrn) {
      return lrn(g, node, g.image(in, shape, name + "_image"), lrn);
    } else if (spec instanceof DropoutSpec dropout) {
      return dropout(g, name, in, dropout);
    } else if (spec instanceof SoftmaxSpec) {
      return softmax(g, name, in, shape);
    } else if (spec instanceof LocallyConnected2dSpec) {
      throw noEquivalent(
          g, node, "unshared weights per output position; no ONNX operator takes them");
    } else if (spec instanceof ConnectionTableConv2dSpec) {
      throw noEquivalent(
          g,
          node,
          "each filter reads its own subset of channels; ONNX's Conv reads all (or groups)");
    } else if (spec instanceof SubsamplingSpec) {
      throw noEquivalent(
          g, node, "a trainable coefficient and bias per channel over summed blocks");
    }
    throw noEquivalent(g, node, "the exporter does not know this layer kind");
  }

  /**
   * Linear {@code y = W·x + b} is Gemm with {@code transB = 1}: vigil stores {@code W} as {@code
   * outputs × inputs}, which is ONNX's B transposed. vigil reads the {@code C·H·W} values of an
   * image in CHW order, which is exactly Flatten's (axis 1) order, so an image input is flattened
   * first.
   */
  private static Value linear(
      ExportGraph g, String name, Layer layer, Value in, Shape shape, LinearSpec spec) {
    Value flat = g.flat(in, name + "_flatten");
    String weight = g.weight(layer, "weight", spec.outputs(), shape.perImage());
    String bias = g.weight(layer, "bias", spec.outputs());
    return new Value(
        g.node(
            "Gemm",
            name,
            List.of(flat.name(), weight, bias),
            ExportAttributes.integer("transB", 1)),
        2);
  }

  /**
   * ONNX's Add takes two inputs; vigil's addition any number, summed in the order listed. A chain
   * {@code ((a + b) + c) + …} adds in that same order, so the rounding is the same.
   */
  private static Value add(
      ExportGraph g, String name, List<Value> inputs, List<Shape> inputShapes) {
    List<String> names = names(g, name, inputs, inputShapes);
    int rank = sameRank(inputs) ? inputs.get(0).rank() : 4;
    String sum = names.get(0);
    for (int k = 1; k < names.size(); k++) {
      String hint = k == names.size() - 1 ? name : name + "_partial" + k;
      sum = g.node("Add", hint, List.of(sum, names.get(k)));
    }
    return new Value(sum, rank);
  }

  /**
   * Batch normalisation at inference, {@code y = γ·(x − μ)/sqrt(σ² + eps) + β} with the running
   * statistics, as BatchNormalization's scale, B, input_mean and input_var. The momentum is written
   * for a reader that trains: vigil updates {@code running ← (1 − m)·running + m·batch}, ONNX
   * {@code running ← momentum·running + (1 − momentum)·batch}, so ONNX's momentum is {@code 1 − m}.
   */
  private static Value batchNorm(
      ExportGraph g, String name, Layer layer, Value in, Shape shape, BatchNormSpec spec) {
    int c = shape.c();
    List<String> inputs =
        List.of(
            in.name(),
            g.weight(layer, "weight", c),
            g.weight(layer, "bias", c),
            g.weight(layer, "running_mean", c),
            g.weight(layer, "running_var", c));
    return new Value(
        g.node(
            "BatchNormalization",
            name,
            inputs,
            ExportAttributes.real("epsilon", spec.eps()),
            ExportAttributes.real("momentum", 1f - spec.momentum())),
        in.rank());
  }

  /**
   * LRN. vigil follows the AlexNet paper, {@code s_i = k + α·Σ x_j²}; ONNX divides by the size,
   * {@code s_i = bias + (alpha/size)·Σ x_j²}, so ONNX's alpha is {@code α·n} (computed in double
   * and rounded once, so a reader's {@code alpha/size} is α to within one float rounding). The
   * windows agree only for odd n: vigil sums channels {@code i − ⌊n/2⌋ … i + ⌊(n−1)/2⌋}, ONNX
   * {@code i − ⌊(n−1)/2⌋ … i + ⌈(n−1)/2⌉}, which for even n are shifted by one channel.
   */
  private static Value lrn(ExportGraph g, NodeSpec node, Value in, LrnSpec spec)
      throws OnnxFormatException {
    int n = spec.size();
    if (n % 2 == 0) {
      throw refused(
          g,
          node,
          "LRN",
          "size = "
              + n
              + " is even: vigil sums channels i − "
              + n / 2
              + " … i + "
              + (n - 1) / 2
              + ", ONNX's LRN i − "
              + (n - 1) / 2
              + " … i + "
              + n / 2);
    }
    float alpha = (float) ((double) spec.alpha() * n);
    return new Value(
        g.node(
            "LRN",
            node.name(),
            List.of(in.name()),
            ExportAttributes.real("alpha", alpha),
            ExportAttributes.real("beta", spec.beta()),
            ExportAttributes.real("bias", spec.k()),
            ExportAttributes.integer("size", n)),
        4);
  }

  /**
   * Dropout is the identity at inference, but it is written rather than dropped so that a model
   * read back and fine-tuned keeps its drop rate: opset 13 takes {@code ratio} as an input (here an
   * initializer), and without {@code training_mode} readers run it as the identity.
   */
  private static Value dropout(ExportGraph g, String name, Value in, DropoutSpec spec) {
    String ratio = g.scalar(name + ".ratio", spec.p());
    return new Value(g.node("Dropout", name, List.of(in.name(), ratio)), in.rank());
  }

  /**
   * vigil's softmax runs over all {@code C·H·W} values of an image; opset 13's Softmax over one
   * axis. Over axis 1 they agree when the value is flat or {@code C × 1 × 1}; otherwise the image
   * is flattened, normalised and reshaped back.
   */
  private static Value softmax(ExportGraph g, String name, Value in, Shape shape) {
    if (in.rank() == 2 || shape.plane() == 1) {
      return new Value(
          g.node("Softmax", name, List.of(in.name()), ExportAttributes.integer("axis", 1)),
          in.rank());
    }
    Value flat = g.flat(in, name + "_flatten");
    Value soft =
        new Value(
            g.node(
                "Softmax",
                name + "_softmax",
                List.of(flat.name()),
                ExportAttributes.integer("axis", 1)),
            2);
    return g.reshape(soft, shape, name);
  }

  /**
   * The inputs of a node that reads several values, all of one rank: if some are flat and some
   * images (possible only for {@code C × 1 × 1} values), the flat ones are reshaped, since ONNX
   * would broadcast {@code N × C} against {@code N × C × 1 × 1} instead of adding them.
   */
  private static List<String> names(
      ExportGraph g, String name, List<Value> inputs, List<Shape> inputShapes) {
    List<String> names = new ArrayList<>();
    boolean same = sameRank(inputs);
    for (int k = 0; k < inputs.size(); k++) {
      Value v = same ? inputs.get(k) : g.image(inputs.get(k), inputShapes.get(k), name + "_in" + k);
      names.add(v.name());
    }
    return names;
  }

  private static boolean sameRank(List<Value> inputs) {
    return inputs.stream().mapToInt(Value::rank).distinct().count() == 1;
  }

  /** The layer kind has no exact ONNX form. */
  static OnnxFormatException noEquivalent(ExportGraph g, NodeSpec node, String why) {
    return new OnnxFormatException(
        prefix(g)
            + "layer "
            + node.name()
            + " ("
            + ExportKinds.of(node.layer())
            + ") has no ONNX equivalent: "
            + why);
  }

  /** The layer would map to {@code op}, but one of its values cannot be expressed exactly. */
  static OnnxFormatException refused(ExportGraph g, NodeSpec node, String op, String why) {
    return new OnnxFormatException(
        prefix(g)
            + "layer "
            + node.name()
            + " ("
            + ExportKinds.of(node.layer())
            + ") cannot be written as ONNX "
            + op
            + " (opset "
            + OnnxExport.OPSET
            + "): "
            + why);
  }

  private static String prefix(ExportGraph g) {
    return "cannot export model " + g.model().name() + " as ONNX: ";
  }
}

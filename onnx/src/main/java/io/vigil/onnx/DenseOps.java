package io.vigil.onnx;

import io.vigil.engine.layer.AddSpec;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.LinearSpec;
import java.util.List;
import java.util.Set;
import onnx.Onnx.NodeProto;

/**
 * Gemm, MatMul and Add. vigil's Linear computes {@code y = x·Wᵀ + b} with {@code W} stored outputs
 * × inputs, which is Gemm with {@code transB=1}; other forms are transposed here. Add of two
 * activations is a residual addition; Add of a constant is a bias, folded into the Linear or
 * convolution that produces the activation.
 */
final class DenseOps {

  private DenseOps() {}

  static void gemm(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    a.allowOnly(Set.of("alpha", "beta", "transA", "transB"));
    if (a.integer("transA", 0) != 0) {
      throw ref.fail(
          "transA=" + a.integer("transA", 0) + " is not supported (the batch is A's rows)");
    }
    boolean transB = a.integer("transB", 0) != 0;
    float alpha = a.real("alpha", 1f);
    float beta = a.real("beta", 1f);
    Activation x = features(g, ref, n);
    Constant b = g.floats(ref, n, 1, true, "B");
    Constant c = g.floats(ref, n, 2, false, "C");
    if (b.rank() != 2) {
      throw ref.fail("B " + b.dimsText() + " is not 2-D");
    }
    int inputs = (int) (transB ? b.dims()[1] : b.dims()[0]);
    int outputs = (int) (transB ? b.dims()[0] : b.dims()[1]);
    if (inputs != x.shape().c() || outputs < 1) {
      throw ref.fail(
          "B "
              + b.dimsText()
              + (transB ? " (transB=1)" : "")
              + " takes "
              + inputs
              + " features but the input is "
              + x.dimsText());
    }
    // y = alpha·A·B + beta·C becomes a Linear with weights alpha·B and bias beta·C: alpha scales
    // the weights instead of the product, a difference of rounding only (none for alpha = 1).
    float[] weight = weight(b.floats(), inputs, outputs, transB, alpha);
    float[] bias = new float[outputs];
    if (c != null) {
      boolean broadcasts =
          c.rank() <= 2 && c.count() == 1
              || c.rank() == 1 && c.dims()[0] == outputs
              || c.rank() == 2 && c.dims()[0] == 1 && c.dims()[1] == outputs;
      if (!broadcasts) {
        throw ref.fail(
            "C " + c.dimsText() + " does not broadcast to one value per output (" + outputs + ")");
      }
      for (int o = 0; o < outputs; o++) {
        bias[o] = beta * c.floats()[c.count() == 1 ? 0 : o];
      }
    }
    linear(g, ref, n, x, weight, bias, outputs);
  }

  static void matMul(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    a.allowOnly(Set.of());
    Activation x = features(g, ref, n);
    Constant b = g.floats(ref, n, 1, true, "B");
    if (b.rank() != 2 || b.dims()[0] != x.shape().c() || b.dims()[1] < 1) {
      throw ref.fail(
          "B "
              + b.dimsText()
              + " does not multiply the input "
              + x.dimsText()
              + " (it must be features × outputs)");
    }
    int outputs = (int) b.dims()[1];
    // A bias comes as a separate Add, which add() folds into this node.
    linear(
        g,
        ref,
        n,
        x,
        weight(b.floats(), x.shape().c(), outputs, false, 1f),
        new float[outputs],
        outputs);
  }

  private static Activation features(GraphMapper g, NodeRef ref, NodeProto n)
      throws OnnxFormatException {
    Activation x = g.activation(ref, n, 0);
    if (x.rank() != 2) {
      throw ref.fail(
          "needs an N×F input, got " + x.dimsText() + "; flatten it first (Flatten or Reshape)");
    }
    return x;
  }

  private static void linear(
      GraphMapper g, NodeRef ref, NodeProto n, Activation x, float[] w, float[] b, int outputs)
      throws OnnxFormatException {
    NetworkDraft.Node node = g.emit(ref, n, new LinearSpec(outputs), List.of(x), 2, false, true);
    node.tensors.put("weight", w);
    node.tensors.put("bias", b);
  }

  /** vigil's outputs × inputs weight from B (inputs × outputs, or outputs × inputs if transB). */
  private static float[] weight(float[] b, int inputs, int outputs, boolean transB, float alpha) {
    if (transB && alpha == 1f) {
      return b; // already vigil's layout (PyTorch's Linear export); uploaded, never changed
    }
    float[] w = new float[outputs * inputs];
    for (int o = 0; o < outputs; o++) {
      for (int i = 0; i < inputs; i++) {
        float v = transB ? b[o * inputs + i] : b[i * outputs + o];
        w[o * inputs + i] = alpha == 1f ? v : alpha * v;
      }
    }
    return w;
  }

  static void add(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    a.allowOnly(Set.of());
    if (n.getInputCount() != 2) {
      throw ref.fail("needs two inputs, got " + n.getInputCount());
    }
    Object left = g.input(n, 0);
    Object right = g.input(n, 1);
    if (left instanceof Constant && right instanceof Constant) {
      throw ref.fail("adds two constants; vigil does not fold constant arithmetic");
    }
    if (left instanceof Constant || right instanceof Constant) {
      int act = left instanceof Constant ? 1 : 0;
      foldBias(
          g, ref, n, g.activation(ref, n, act), n.getInput(act), g.constant(ref, n, 1 - act, true));
      return;
    }
    Activation x = g.activation(ref, n, 0);
    Activation y = g.activation(ref, n, 1);
    if (!x.shape().equals(y.shape()) || x.rank() != y.rank()) {
      throw ref.fail(
          "adds "
              + x.dimsText()
              + " and "
              + y.dimsText()
              + "; vigil adds tensors of one shape only (no broadcasting)");
    }
    g.emit(
        ref, n, new AddSpec(), List.of(x, y), x.rank(), x.nonNegative() && y.nonNegative(), false);
  }

  /**
   * Folds {@code x + c} into the bias of the Linear or convolution that computes x, so the model
   * keeps one layer, as it was trained. Where the layer had no bias of its own (MatMul, a Conv
   * without B: how exporters write it) this is the same addition; after a Gemm's C or a Conv's B
   * the two additions become one, which differs by rounding only.
   */
  private static void foldBias(
      GraphMapper g, NodeRef ref, NodeProto n, Activation x, String xName, Constant c)
      throws OnnxFormatException {
    NetworkDraft.Node producer = g.draft().node(x.node());
    boolean foldable =
        producer != null
            && x.raw()
            && !x.shared()
            && g.uses(xName) == 1
            && (producer.spec instanceof LinearSpec || producer.spec instanceof Conv2dSpec);
    if (!foldable) {
      throw ref.fail(
          "adds the constant "
              + c.dimsText()
              + " to '"
              + xName
              + "', which is not the output of a Gemm, MatMul or Conv read only here; vigil adds"
              + " constants only as such a layer's bias");
    }
    if (!c.isFloat()) {
      throw ref.fail("the constant added must hold floats");
    }
    int channels = x.shape().c();
    boolean perChannel =
        c.count() == channels
            && lastAxesOne(c, x.rank() == 2 ? 0 : 2)
            && c.dims()[c.rank() - (x.rank() == 2 ? 1 : 3)] == channels;
    if (!perChannel) {
      throw ref.fail(
          "the constant "
              + c.dimsText()
              + " is not one value per channel of "
              + x.dimsText()
              + " ("
              + (x.rank() == 2
                  ? "[" + channels + "] or [1, " + channels + "]"
                  : "[" + channels + ", 1, 1] or [1, " + channels + ", 1, 1]")
              + ")");
    }
    float[] bias = producer.tensors.get("bias");
    if (bias == null) {
      Conv2dSpec s = (Conv2dSpec) producer.spec;
      producer.spec =
          new Conv2dSpec(
              s.filters(),
              s.kernelH(),
              s.kernelW(),
              s.strideH(),
              s.strideW(),
              s.padH(),
              s.padW(),
              s.dilationH(),
              s.dilationW(),
              s.groups(),
              true,
              s.rounding());
      bias = new float[channels];
      producer.tensors.put("bias", bias);
    } else {
      bias = bias.clone(); // the array may be shared with an initializer read elsewhere
      producer.tensors.put("bias", bias);
    }
    for (int k = 0; k < channels; k++) {
      bias[k] += c.floats()[k];
    }
    GraphMapper.LOG.info(
        "{}: {} folded into the bias of vigil node {}", g.file(), ref.label(), producer.name);
    g.define(n, 0, x);
  }

  /**
   * Whether the constant has rank ≥ {@code trailing}+1, its last {@code trailing} axes 1, and at
   * most one leading 1.
   */
  private static boolean lastAxesOne(Constant c, int trailing) {
    int r = c.rank();
    int core = trailing + 1;
    if (r < core || r > core + 1) {
      return false;
    }
    for (int i = r - trailing; i < r; i++) {
      if (c.dims()[i] != 1) {
        return false;
      }
    }
    return r == core || c.dims()[0] == 1;
  }
}

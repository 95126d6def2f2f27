package io.vigil.onnx;

import io.vigil.engine.layer.ConcatSpec;
import io.vigil.engine.layer.FlattenSpec;
import io.vigil.engine.layer.SoftmaxSpec;
import io.vigil.engine.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;

/**
 * Operators that move values rather than compute them: Flatten, Reshape (to N×F only), Concat
 * (channels only), Identity, Softmax (dropped at the end of the graph: vigil networks give logits
 * and the predictor applies the softmax; elsewhere vigil's softmax layer), Pad (held for the next
 * window) and Constant.
 */
final class ShapeOps {

  private ShapeOps() {}

  static void flatten(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    a.allowOnly(Set.of("axis"));
    Activation x = g.activation(ref, n, 0);
    long axis = a.integer("axis", 1);
    if ((axis < 0 ? axis + x.rank() : axis) != 1) {
      throw ref.fail(
          "axis=" + axis + " on " + x.dimsText() + "; vigil flattens each image (axis 1) only");
    }
    toFeatures(g, ref, n, x);
  }

  /** An N×F view of x: a Flatten node for an image, the same value when already N×F. */
  private static void toFeatures(GraphMapper g, NodeRef ref, NodeProto n, Activation x)
      throws OnnxFormatException {
    if (x.rank() == 2) {
      g.alias(n, x, n.getInput(0));
    } else {
      g.emit(ref, n, new FlattenSpec(), List.of(x), 2, x.nonNegative(), false);
    }
  }

  static void reshape(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    a.allowOnly(Set.of("allowzero"));
    Activation x = g.activation(ref, n, 0);
    Constant shape = g.constant(ref, n, 1, true);
    if (shape.isFloat() || shape.rank() != 1) {
      throw ref.fail("shape '" + n.getInput(1) + "' must be a 1-D int64 tensor");
    }
    long[] s = shape.ints();
    if (x.rank() == 2 && s.length == 4 && unflattenSoftmax(g, ref, n, x, s)) {
      return;
    }
    long features = x.shape().c() * (long) x.shape().h() * x.shape().w();
    boolean zeroKeeps = a.integer("allowzero", 0) == 0;
    // The batch is kept by 0 (copy), by −1 when the rest is fixed, by the input's own batch, and
    // by 1 only when the file's batch is 1: [1, −1] on a batch of 2 is not a flatten.
    boolean batchKept =
        s.length >= 2
            && (s[0] == 0 && zeroKeeps
                || s[0] == -1 && Arrays.stream(s, 1, s.length).allMatch(d -> d > 0)
                || s[0] > 0 && s[0] == g.batch()
                || s[0] == ShapeArithmetic.BATCH);
    for (int i = 1; i < s.length; i++) {
      batchKept &= s[i] != ShapeArithmetic.BATCH;
    }
    if (batchKept && s.length == 4 && x.rank() == 2 && s[1] == features && s[2] == 1 && s[3] == 1) {
      // N×F as N×F×1×1 is the same tensor in vigil, whose feature vectors are F×1×1 images.
      g.define(
          n,
          0,
          new Activation(
              x.node(),
              x.shape(),
              4,
              x.nonNegative(),
              x.raw(),
              x.shared() || g.uses(n.getInput(0)) > 1));
      return;
    }
    boolean flattens = batchKept && s.length == 2 && (s[1] == -1 || s[1] == features);
    if (!flattens) {
      throw ref.fail(
          "reshapes "
              + x.dimsText()
              + " to "
              + ShapeArithmetic.text(s)
              + " (batch "
              + (g.batch() < 0 ? "symbolic" : g.batch())
              + "); vigil reshapes only to N×"
              + features
              + " (a flatten: [0, -1], [-1, "
              + features
              + "] or [N, -1] with the file's batch N) or, from N×F, to N×F×1×1");
    }
    toFeatures(g, ref, n, x);
  }

  static void concat(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    a.allowOnly(Set.of("axis"));
    if (!a.has("axis")) {
      throw ref.fail("axis is required");
    }
    if (n.getInputCount() > 0 && g.input(n, 0) instanceof Constant) {
      ShapeArithmetic.concat(g, n, a);
      return;
    }
    List<Activation> inputs = new ArrayList<>();
    for (int i = 0; i < n.getInputCount(); i++) {
      inputs.add(g.activation(ref, n, i));
    }
    if (inputs.isEmpty()) {
      throw ref.fail("has no inputs");
    }
    int rank = inputs.get(0).rank();
    long axis = a.integer("axis", 1);
    if ((axis < 0 ? axis + rank : axis) != 1) {
      throw ref.fail("axis=" + axis + "; vigil concatenates along channels (axis 1) only");
    }
    for (Activation x : inputs) {
      if (x.rank() != rank) {
        throw ref.fail(
            "concatenates "
                + inputs.stream().map(Activation::dimsText).toList()
                + ", which differ in rank");
      }
    }
    boolean nonNegative = inputs.stream().allMatch(Activation::nonNegative);
    g.emit(ref, n, new ConcatSpec(), inputs, rank, nonNegative, false);
  }

  static void identity(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    a.allowOnly(Set.of());
    Object v = g.input(n, 0);
    if (v == null) {
      throw a.node().fail("has no input");
    }
    if (v instanceof Activation x) {
      g.alias(n, x, n.getInput(0));
    } else {
      g.define(n, 0, v);
    }
  }

  static void softmax(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    a.allowOnly(Set.of("axis"));
    Activation x = g.activation(ref, n, 0);
    // Before opset 13 Softmax flattens from axis (default 1) on and normalises the lot; from 13
    // it normalises along one axis (default −1). Either way it must cover every value of an image,
    // which is what vigil's softmax layer and predictor normalise over.
    long axis = a.integer("axis", g.opset() < 13 ? 1 : -1);
    long normalised = axis < 0 ? axis + x.rank() : axis;
    boolean whole =
        g.opset() < 13
            ? normalised == 1
            : x.rank() == 2 && normalised == 1
                || x.shape().h() == 1 && x.shape().w() == 1 && normalised == 1;
    if (!whole) {
      throw ref.fail(
          "axis=" + axis + " on " + x.dimsText() + " does not normalise over each image's values");
    }
    String out = n.getOutput(0);
    if (g.isGraphOutput(out) && g.uses(out) == 1) {
      GraphMapper.LOG.info(
          "{}: {} dropped: the model gives logits and vigil applies the softmax when predicting",
          g.file(),
          ref.label());
      g.alias(n, x, n.getInput(0));
    } else {
      g.emit(ref, n, new SoftmaxSpec(), List.of(x), x.rank(), true, false);
    }
  }

  /**
   * Reshape of N×F back to an image, which vigil has no layer for, in the one form exporters write
   * it: Flatten → Softmax → Reshape to the flattened image's shape (a softmax over a whole image,
   * vigil's SoftmaxSpec on the image itself). The Flatten node is removed and the softmax reads the
   * image.
   */
  private static boolean unflattenSoftmax(
      GraphMapper g, NodeRef ref, NodeProto n, Activation x, long[] s) {
    NetworkDraft.Node soft = g.draft().node(x.node());
    if (soft == null
        || !(soft.spec instanceof SoftmaxSpec)
        || x.shared()
        || g.readers(soft.name) != 1) {
      return false;
    }
    NetworkDraft.Node flat = g.draft().node(soft.inputs.get(0));
    if (flat == null || !(flat.spec instanceof FlattenSpec) || g.readers(flat.name) != 1) {
      return false;
    }
    Shape image = g.draft().shapeOf(flat.inputs.get(0));
    boolean batchKept =
        s[0] == 0 || s[0] == -1 || s[0] == ShapeArithmetic.BATCH || s[0] > 0 && s[0] == g.batch();
    if (!batchKept || s[1] != image.c() || s[2] != image.h() || s[3] != image.w()) {
      return false;
    }
    soft.inputs = flat.inputs;
    soft.output = image;
    g.draft().remove(flat);
    GraphMapper.LOG.info(
        "{}: Flatten, Softmax and {} make one softmax over the image (vigil node {})",
        g.file(),
        ref.label(),
        soft.name);
    g.define(n, 0, new Activation(soft.name, image, 4, true, false, false));
    return true;
  }

  static void pad(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    String mode = a.string("mode", "constant");
    long[] pads;
    float value;
    if (g.opset() < 11) {
      a.allowOnly(Set.of("mode", "pads", "value"));
      pads = a.integers("pads");
      if (pads == null) {
        throw ref.fail("pads is required");
      }
      value = a.real("value", 0f);
    } else {
      // From opset 11 the pads and the value are inputs.
      a.allowOnly(Set.of("mode"));
      Constant p = g.constant(ref, n, 1, true);
      if (p.isFloat() || p.rank() != 1) {
        throw ref.fail("pads '" + n.getInput(1) + "' must be a 1-D int64 tensor");
      }
      pads = p.ints();
      Constant v = g.constant(ref, n, 2, false);
      if (v != null && v.count() != 1) {
        throw ref.fail("constant_value " + v.dimsText() + " must be one value");
      }
      value = v == null ? 0f : v.isFloat() ? v.floats()[0] : v.ints()[0];
      if (n.getInputCount() > 3 && !n.getInput(3).isEmpty()) {
        throw ref.fail("axes is not supported");
      }
    }
    if (!mode.equals("constant") || value != 0f) {
      throw ref.fail(
          "mode=" + mode + " value=" + value + "; vigil folds only zero padding (mode=constant)");
    }
    Object in = g.input(n, 0);
    Padded before;
    if (in instanceof Padded p) {
      before = p;
    } else {
      before = new Padded(g.activation(ref, n, 0), 0, 0, ref);
    }
    Activation x = before.source();
    boolean symmetric =
        pads.length == 8
            && x.rank() == 4
            && pads[0] == 0
            && pads[1] == 0
            && pads[4] == 0
            && pads[5] == 0
            && pads[2] == pads[6]
            && pads[3] == pads[7]
            && pads[2] >= 0
            && pads[3] >= 0
            && pads[2] <= 1 << 16
            && pads[3] <= 1 << 16;
    if (!symmetric) {
      throw ref.fail(
          "pads "
              + Arrays.toString(pads)
              + " on "
              + x.dimsText()
              + "; vigil folds only equal padding of both sides of height and width into the"
              + " next Conv or pool");
    }
    if (pads[2] == 0 && pads[3] == 0) {
      g.define(n, 0, before);
      return;
    }
    g.define(
        n, 0, new Padded(x, before.padH() + (int) pads[2], before.padW() + (int) pads[3], ref));
  }

  static void constant(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    a.allowOnly(Set.of("value", "value_float", "value_floats", "value_int", "value_ints"));
    String what = ref.file() + ": " + ref.label();
    Constant c;
    TensorProto t = a.tensor("value");
    if (t != null) {
      c = TensorValues.read(t, what);
    } else if (a.has("value_float")) {
      c = new Constant(new long[0], new float[] {a.real("value_float", 0f)}, null);
    } else if (a.has("value_floats")) {
      float[] v = a.reals("value_floats");
      c = new Constant(new long[] {v.length}, v, null);
    } else if (a.has("value_int")) {
      c = new Constant(new long[0], null, new long[] {a.integer("value_int", 0)});
    } else if (a.has("value_ints")) {
      long[] v = a.integers("value_ints");
      c = new Constant(new long[] {v.length}, null, v);
    } else {
      throw ref.fail("has no value (sparse_value is not supported)");
    }
    g.define(n, 0, c);
  }
}

package io.vigil.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import onnx.Onnx.NodeProto;

/**
 * The shape computations exporters write for a flatten that keeps a variable batch — PyTorch's
 * {@code x.view(x.size(0), -1)} becomes Shape → Gather → Unsqueeze → Concat → Reshape — evaluated
 * at import on constants. The batch size is not known then, so Shape gives {@link #BATCH} for it,
 * which Reshape reads as "keep the batch"; no other operator accepts it.
 */
final class ShapeArithmetic {

  /** Stands for the batch size in a shape computed by Shape. */
  static final long BATCH = Long.MIN_VALUE;

  private ShapeArithmetic() {}

  /** A shape as text, the batch written as N: {@code [N, -1]}. */
  static String text(long[] dims) {
    List<String> parts = new ArrayList<>();
    for (long d : dims) {
      parts.add(d == BATCH ? "N" : Long.toString(d));
    }
    return parts.toString();
  }

  /** Shape: [N, C, H, W] or [N, F]; from opset 15 the start and end attributes slice it. */
  static void shape(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    a.allowOnly(Set.of("start", "end"));
    Activation x = g.activation(ref, n, 0);
    long[] dims =
        x.rank() == 2
            ? new long[] {BATCH, x.shape().c()}
            : new long[] {BATCH, x.shape().c(), x.shape().h(), x.shape().w()};
    int start = clamp(a.integer("start", 0), dims.length);
    int end = clamp(a.integer("end", dims.length), dims.length);
    long[] slice = Arrays.copyOfRange(dims, start, Math.max(start, end));
    g.define(n, 0, new Constant(new long[] {slice.length}, null, slice));
  }

  private static int clamp(long index, int rank) {
    long i = index < 0 ? index + rank : index;
    return (int) Math.max(0, Math.min(rank, i));
  }

  /** Gather along axis 0 of a 1-D constant: one index gives a scalar, a list a list. */
  static void gather(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    a.allowOnly(Set.of("axis"));
    Constant data = ints(ref, g.constant(ref, n, 0, true), "data");
    Constant indices = ints(ref, g.constant(ref, n, 1, true), "indices");
    if (data.rank() != 1 || a.integer("axis", 0) != 0 || indices.rank() > 1) {
      throw ref.fail(
          "gathers "
              + indices.dimsText()
              + " from "
              + data.dimsText()
              + " along axis "
              + a.integer("axis", 0)
              + "; vigil gathers from 1-D shapes only");
    }
    long[] out = new long[indices.count()];
    for (int i = 0; i < out.length; i++) {
      long k = indices.ints()[i] < 0 ? indices.ints()[i] + data.count() : indices.ints()[i];
      if (k < 0 || k >= data.count()) {
        throw ref.fail("index " + indices.ints()[i] + " is outside " + data.dimsText());
      }
      out[i] = data.ints()[(int) k];
    }
    g.define(n, 0, new Constant(indices.dims().clone(), null, out));
  }

  /** Unsqueeze of a constant: axes from the attribute before opset 13, from the input after. */
  static void unsqueeze(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    long[] axes;
    if (g.opset() < 13) {
      a.allowOnly(Set.of("axes"));
      axes = a.integers("axes");
    } else {
      a.allowOnly(Set.of());
      Constant c = g.constant(ref, n, 1, true);
      axes = ints(ref, c, "axes").ints();
    }
    if (!(g.input(n, 0) instanceof Constant data)) {
      throw ref.fail("unsqueezes a computed value; vigil evaluates Unsqueeze on constants only");
    }
    if (axes == null || axes.length == 0) {
      throw ref.fail("axes are required");
    }
    int rank = data.rank() + axes.length;
    boolean[] inserted = new boolean[rank];
    for (long axis : axes) {
      long k = axis < 0 ? axis + rank : axis;
      if (k < 0 || k >= rank || inserted[(int) k]) {
        throw ref.fail("axes " + Arrays.toString(axes) + " do not fit rank " + rank);
      }
      inserted[(int) k] = true;
    }
    long[] dims = new long[rank];
    for (int i = 0, j = 0; i < rank; i++) {
      dims[i] = inserted[i] ? 1 : data.dims()[j++];
    }
    g.define(n, 0, new Constant(dims, data.floats(), data.ints()));
  }

  /** Concat of 1-D integer constants (a shape being assembled). */
  static void concat(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    List<long[]> parts = new ArrayList<>();
    int total = 0;
    for (int i = 0; i < n.getInputCount(); i++) {
      Constant c = ints(ref, g.constant(ref, n, i, true), "input " + i);
      if (c.rank() != 1) {
        throw ref.fail("concatenates constants " + c.dimsText() + "; vigil joins 1-D shapes only");
      }
      parts.add(c.ints());
      total += c.count();
    }
    long axis = a.integer("axis", 0);
    if (axis != 0 && axis != -1) {
      throw ref.fail("axis=" + axis + " on 1-D constants");
    }
    long[] out = new long[total];
    int at = 0;
    for (long[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    g.define(n, 0, new Constant(new long[] {total}, null, out));
  }

  private static Constant ints(NodeRef ref, Constant c, String role) throws OnnxFormatException {
    if (c.isFloat()) {
      throw ref.fail(role + " " + c.dimsText() + " must hold integers");
    }
    return c;
  }
}

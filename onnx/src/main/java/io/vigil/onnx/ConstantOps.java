package io.vigil.onnx;

import java.util.Arrays;
import java.util.Set;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorProto.DataType;

/**
 * Operators evaluated at import on constants, so that their outputs are constants too and no vigil
 * layer computes them: ConstantOfShape, Reshape, Slice, Transpose, Cast and Squeeze. PyTorch
 * exports {@code F.pad(x, (2, 2, 1, 1))} at opset 11 and later with its pads computed this way
 * (Constant → ConstantOfShape → Concat → Reshape → Slice → Transpose → Reshape → Cast → Pad) rather
 * than as one initializer.
 *
 * <p>A file chooses the sizes these operators produce (ConstantOfShape from a shape alone), so
 * every result is bounded by {@link #MAX_ELEMENTS} before it is allocated.
 */
final class ConstantOps {

  /** The most values an evaluated constant may hold: shapes and pads need a handful. */
  static final int MAX_ELEMENTS = 1_000_000;

  private ConstantOps() {}

  /** ConstantOfShape: a tensor of the given shape filled with {@code value} (default float 0). */
  static void constantOfShape(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    a.allowOnly(Set.of("value"));
    long[] dims = shape(ref, g.constant(ref, n, 0, true), "shape '" + n.getInput(0) + "'");
    long count = Constant.elements(dims);
    if (count < 0 || count > MAX_ELEMENTS) {
      throw ref.fail(tooLarge(dims));
    }
    TensorProto t = a.tensor("value");
    Constant value =
        t == null
            ? new Constant(new long[] {1}, new float[] {0f}, null)
            : TensorValues.read(t, ref.file() + ": " + ref.label() + ": value");
    if (value.count() != 1) {
      throw ref.fail("value " + value.dimsText() + " must be one value");
    }
    int k = (int) count;
    if (value.isFloat()) {
      float[] v = new float[k];
      Arrays.fill(v, value.floats()[0]);
      g.define(n, 0, new Constant(dims, v, null));
    } else {
      long[] v = new long[k];
      Arrays.fill(v, value.ints()[0]);
      g.define(n, 0, new Constant(dims, null, v));
    }
  }

  /** Reshape of a constant: 0 copies the input's dimension (unless allowzero), −1 is inferred. */
  static void reshape(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    a.allowOnly(Set.of("allowzero"));
    Constant data = data(g, ref, n);
    long[] s = shape(ref, g.constant(ref, n, 1, true), "shape '" + n.getInput(1) + "'");
    boolean zeroCopies = a.integer("allowzero", 0) == 0;
    long[] dims = new long[s.length];
    int inferred = -1;
    for (int i = 0; i < s.length; i++) {
      if (s[i] == 0 && zeroCopies) {
        if (i >= data.rank()) {
          throw ref.fail("shape " + Arrays.toString(s) + " copies a dimension " + data.dimsText());
        }
        dims[i] = data.dims()[i];
      } else if (s[i] == -1 && inferred < 0) {
        inferred = i;
        dims[i] = 1;
      } else if (s[i] < 0) {
        throw ref.fail("shape " + Arrays.toString(s) + " has a negative dimension");
      } else {
        dims[i] = s[i];
      }
    }
    long known = Constant.elements(dims);
    if (inferred >= 0 && known > 0) {
      dims[inferred] = data.count() / known;
    }
    if (known < 0 || Constant.elements(dims) != data.count()) {
      throw ref.fail(
          "reshapes " + data.dimsText() + " to " + Arrays.toString(s) + ", which differ in size");
    }
    g.define(n, 0, new Constant(dims, data.floats(), data.ints()));
  }

  /**
   * Slice of a constant: from opset 10 starts, ends, axes and steps are inputs, before that
   * attributes (steps 1). PyTorch reverses a dimension with start −1, end −2⁶³+1 and step −1.
   */
  static void slice(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    Constant data = data(g, ref, n);
    long[] starts;
    long[] ends;
    long[] axes;
    long[] steps;
    if (g.opset() < 10) {
      a.allowOnly(Set.of("starts", "ends", "axes"));
      starts = a.integers("starts");
      ends = a.integers("ends");
      axes = a.integers("axes");
      steps = null;
    } else {
      a.allowOnly(Set.of());
      starts = ints(ref, g.constant(ref, n, 1, true), "starts");
      ends = ints(ref, g.constant(ref, n, 2, true), "ends");
      axes = ints(ref, g.constant(ref, n, 3, false), "axes");
      steps = ints(ref, g.constant(ref, n, 4, false), "steps");
    }
    if (starts == null || ends == null || starts.length != ends.length) {
      throw ref.fail("starts and ends are required and must have the same length");
    }
    int rank = data.rank();
    if (axes == null) {
      axes = new long[starts.length];
      Arrays.setAll(axes, i -> i);
    }
    if (steps == null) {
      steps = new long[starts.length];
      Arrays.fill(steps, 1);
    }
    if (axes.length != starts.length || steps.length != starts.length) {
      throw ref.fail(
          "starts, ends, axes and steps have lengths "
              + starts.length
              + ", "
              + ends.length
              + ", "
              + axes.length
              + " and "
              + steps.length);
    }
    // Per axis of the data: the first index taken, the step and how many are taken.
    long[] first = new long[rank];
    long[] step = new long[rank];
    long[] dims = data.dims().clone();
    Arrays.fill(step, 1);
    boolean[] seen = new boolean[rank];
    for (int i = 0; i < starts.length; i++) {
      long axis = axes[i] < 0 ? axes[i] + rank : axes[i];
      if (axis < 0 || axis >= rank || seen[(int) axis]) {
        throw ref.fail("axes " + Arrays.toString(axes) + " do not fit " + data.dimsText());
      }
      seen[(int) axis] = true;
      if (steps[i] == 0) {
        throw ref.fail("step 0 on axis " + axis);
      }
      long d = data.dims()[(int) axis];
      long s = steps[i];
      // Negative indices count from the end; both are then clamped to the axis, as the
      // specification says ([0, d] going forward, [−1, d − 1] going backward).
      long start = starts[i] < 0 ? starts[i] + d : starts[i];
      long end = ends[i] < 0 ? ends[i] + d : ends[i];
      start = s > 0 ? Math.max(0, Math.min(d, start)) : Math.max(-1, Math.min(d - 1, start));
      end = s > 0 ? Math.max(0, Math.min(d, end)) : Math.max(-1, Math.min(d - 1, end));
      long span = s > 0 ? end - start : start - end;
      long mag = s == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(s);
      first[(int) axis] = start;
      step[(int) axis] = s;
      dims[(int) axis] = span <= 0 ? 0 : 1 + (span - 1) / mag;
    }
    int[] src = new int[(int) Constant.elements(dims)];
    long[] strides = strides(data.dims());
    long[] at = new long[rank];
    for (int o = 0; o < src.length; o++) {
      long offset = 0;
      for (int k = 0; k < rank; k++) {
        offset += (first[k] + at[k] * step[k]) * strides[k];
      }
      src[o] = (int) offset;
      next(at, dims);
    }
    g.define(n, 0, gather(data, dims, src));
  }

  /** Transpose of a constant by {@code perm} (default: the dimensions reversed). */
  static void transpose(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    a.allowOnly(Set.of("perm"));
    Constant data = data(g, ref, n);
    int rank = data.rank();
    long[] perm = a.integers("perm");
    if (perm == null) {
      perm = new long[rank];
      Arrays.setAll(perm, i -> rank - 1 - i);
    }
    boolean[] seen = new boolean[rank];
    if (perm.length != rank) {
      throw ref.fail("perm " + Arrays.toString(perm) + " does not permute " + data.dimsText());
    }
    for (long p : perm) {
      if (p < 0 || p >= rank || seen[(int) p]) {
        throw ref.fail("perm " + Arrays.toString(perm) + " does not permute " + data.dimsText());
      }
      seen[(int) p] = true;
    }
    long[] dims = new long[rank];
    long[] strides = strides(data.dims());
    long[] moved = new long[rank];
    for (int k = 0; k < rank; k++) {
      dims[k] = data.dims()[(int) perm[k]];
      moved[k] = strides[(int) perm[k]];
    }
    int[] src = new int[data.count()];
    long[] at = new long[rank];
    for (int o = 0; o < src.length; o++) {
      long offset = 0;
      for (int k = 0; k < rank; k++) {
        offset += at[k] * moved[k];
      }
      src[o] = (int) offset;
      next(at, dims);
    }
    g.define(n, 0, gather(data, dims, src));
  }

  /** Cast of a constant to float (or double, held as float) or to an integer type. */
  static void cast(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    a.allowOnly(Set.of("to"));
    Constant data = data(g, ref, n);
    DataType to = DataType.forNumber((int) a.integer("to", 0));
    if (to == null) {
      throw ref.fail("to=" + a.integer("to", 0) + " is not a data type");
    }
    switch (to) {
      case FLOAT, DOUBLE -> {
        if (data.isFloat()) {
          g.define(n, 0, data);
          return;
        }
        float[] v = new float[data.count()];
        for (int i = 0; i < v.length; i++) {
          if (data.ints()[i] == ShapeArithmetic.BATCH) {
            throw ref.fail("casts the batch size, which is not known at import");
          }
          v[i] = data.ints()[i];
        }
        g.define(n, 0, new Constant(data.dims(), v, null));
      }
      case INT64, INT32, BOOL -> {
        long[] v = new long[data.count()];
        for (int i = 0; i < v.length; i++) {
          // Float to integer truncates toward zero, as C's conversion (and ONNX Runtime) does.
          long x = data.isFloat() ? (long) data.floats()[i] : data.ints()[i];
          if (x == ShapeArithmetic.BATCH && to != DataType.INT64) {
            throw ref.fail("casts the batch size, which is not known at import");
          }
          v[i] = to == DataType.BOOL ? (x != 0 ? 1 : 0) : to == DataType.INT32 ? (int) x : x;
        }
        g.define(n, 0, new Constant(data.dims(), null, v));
      }
      default -> throw ref.fail("to=" + to + "; vigil casts constants to float or integers only");
    }
  }

  /** Squeeze of a constant: axes from the attribute before opset 13, from the input after. */
  static void squeeze(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    long[] axes;
    if (g.opset() < 13) {
      a.allowOnly(Set.of("axes"));
      axes = a.integers("axes");
    } else {
      a.allowOnly(Set.of());
      axes = ints(ref, g.constant(ref, n, 1, false), "axes");
    }
    Constant data = data(g, ref, n);
    int rank = data.rank();
    boolean[] removed = new boolean[rank];
    if (axes == null) {
      for (int k = 0; k < rank; k++) {
        removed[k] = data.dims()[k] == 1;
      }
    } else {
      for (long axis : axes) {
        long k = axis < 0 ? axis + rank : axis;
        if (k < 0 || k >= rank || data.dims()[(int) k] != 1) {
          throw ref.fail("axes " + Arrays.toString(axes) + " do not squeeze " + data.dimsText());
        }
        removed[(int) k] = true;
      }
    }
    long[] dims = new long[rank];
    int kept = 0;
    for (int k = 0; k < rank; k++) {
      if (!removed[k]) {
        dims[kept++] = data.dims()[k];
      }
    }
    g.define(n, 0, new Constant(Arrays.copyOf(dims, kept), data.floats(), data.ints()));
  }

  /** Input 0, which must be a constant: vigil has no layer for these operators. */
  private static Constant data(GraphMapper g, NodeRef ref, NodeProto n) throws OnnxFormatException {
    if (!(g.input(n, 0) instanceof Constant data)) {
      throw ref.fail(
          "reads a computed value; vigil evaluates "
              + n.getOpType()
              + " on constants (initializers, Constant outputs) only");
    }
    if (data.count() > MAX_ELEMENTS) {
      throw ref.fail(tooLarge(data.dims()));
    }
    return data;
  }

  private static String tooLarge(long[] dims) {
    return "gives a constant of dimensions "
        + Arrays.toString(dims)
        + "; vigil evaluates constants of at most "
        + MAX_ELEMENTS
        + " values at import";
  }

  /** A 1-D integer constant read as a shape (no negative dimension, no batch placeholder). */
  private static long[] shape(NodeRef ref, Constant c, String role) throws OnnxFormatException {
    long[] s = ints(ref, c, role);
    if (c.rank() != 1) {
      throw ref.fail(role + " " + c.dimsText() + " must be a 1-D int64 tensor");
    }
    for (long d : s) {
      if (d == ShapeArithmetic.BATCH) {
        throw ref.fail(role + " holds the batch size, which is not known at import");
      }
    }
    return s;
  }

  private static long[] ints(NodeRef ref, Constant c, String role) throws OnnxFormatException {
    if (c == null) {
      return null;
    }
    if (c.isFloat()) {
      throw ref.fail(role + " " + c.dimsText() + " must hold integers");
    }
    return c.ints();
  }

  /** Row-major strides of {@code dims}. */
  private static long[] strides(long[] dims) {
    long[] s = new long[dims.length];
    long stride = 1;
    for (int k = dims.length - 1; k >= 0; k--) {
      s[k] = stride;
      stride *= dims[k];
    }
    return s;
  }

  /** Advances a row-major index within {@code dims}. */
  private static void next(long[] at, long[] dims) {
    for (int k = at.length - 1; k >= 0; k--) {
      if (++at[k] < dims[k]) {
        return;
      }
      at[k] = 0;
    }
  }

  /** The constant of {@code dims} whose value {@code o} is value {@code src[o]} of {@code data}. */
  private static Constant gather(Constant data, long[] dims, int[] src) {
    if (data.isFloat()) {
      float[] v = new float[src.length];
      for (int o = 0; o < v.length; o++) {
        v[o] = data.floats()[src[o]];
      }
      return new Constant(dims, v, null);
    }
    long[] v = new long[src.length];
    for (int o = 0; o < v.length; o++) {
      v[o] = data.ints()[src[o]];
    }
    return new Constant(dims, null, v);
  }
}

package io.vigil.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;

/**
 * A naive interpreter of the ONNX operators the importer maps, written from the ONNX operator
 * specification with plain loops and nothing of vigil's: the independent reference the import tests
 * compare vigil's outputs with. Nodes must come in order; tensors are float arrays with dims.
 */
final class OnnxReference {

  record T(long[] dims, float[] v) {
    int d(int i) {
      return (int) dims[i];
    }
  }

  private final int opset;
  private final Map<String, T> values = new HashMap<>();

  private OnnxReference(int opset) {
    this.opset = opset;
  }

  /** Runs {@code model} on {@code input} (N×C×H×W) and returns its single output. */
  static float[] run(ModelProto model, long[] inputDims, float[] input) {
    OnnxReference r = new OnnxReference((int) model.getOpsetImport(0).getVersion());
    for (TensorProto t : model.getGraph().getInitializerList()) {
      r.values.put(t.getName(), tensor(t));
    }
    r.values.put(model.getGraph().getInput(0).getName(), new T(inputDims, input));
    // Evaluate in dependency order whatever order the file lists the nodes in; a node that reads
    // an output the reference does not compute (batch norm's statistics) is left out.
    List<NodeProto> pending = new java.util.ArrayList<>(model.getGraph().getNodeList());
    while (true) {
      NodeProto next =
          pending.stream()
              .filter(
                  n ->
                      n.getInputList().stream()
                          .allMatch(i -> i.isEmpty() || r.values.containsKey(i)))
              .findFirst()
              .orElse(null);
      if (next == null) {
        break;
      }
      r.eval(next);
      pending.remove(next);
    }
    return r.values.get(model.getGraph().getOutput(0).getName()).v();
  }

  static T tensor(TensorProto t) {
    long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    int n = (int) Arrays.stream(dims).reduce(1, (a, b) -> a * b);
    float[] v = new float[n];
    ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      if (t.getDataType() == TensorProto.DataType.INT64_VALUE) {
        v[i] = t.hasRawData() ? raw.getLong(8 * i) : t.getInt64Data(i);
      } else if (t.getDataType() == TensorProto.DataType.BOOL_VALUE) {
        v[i] = t.hasRawData() ? raw.get(i) : t.getInt32Data(i);
      } else {
        v[i] = t.hasRawData() ? raw.getFloat(4 * i) : t.getFloatData(i);
      }
    }
    return new T(dims, v);
  }

  private T in(NodeProto n, int i) {
    if (i >= n.getInputCount() || n.getInput(i).isEmpty()) {
      return null;
    }
    return values.get(n.getInput(i));
  }

  private static AttributeProto attr(NodeProto n, String name) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  private static long i(NodeProto n, String name, long fallback) {
    AttributeProto a = attr(n, name);
    return a == null ? fallback : a.getI();
  }

  private static float f(NodeProto n, String name, float fallback) {
    AttributeProto a = attr(n, name);
    return a == null ? fallback : a.getF();
  }

  private static long[] ints(NodeProto n, String name, long... fallback) {
    AttributeProto a = attr(n, name);
    return a == null ? fallback : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }

  private static String s(NodeProto n, String name, String fallback) {
    AttributeProto a = attr(n, name);
    return a == null ? fallback : a.getS().toStringUtf8();
  }

  private void eval(NodeProto n) {
    T x = in(n, 0);
    T y =
        switch (n.getOpType()) {
          case "Conv" -> conv(n, x, in(n, 1), in(n, 2));
          case "ConvTranspose" -> convTranspose(n, x, in(n, 1), in(n, 2));
          case "MaxPool" -> pool(n, x, true);
          case "AveragePool" -> pool(n, x, false);
          case "GlobalAveragePool" -> globalAverage(x);
          case "Gemm" -> gemm(n, x, in(n, 1), in(n, 2));
          case "MatMul" -> matMul(x, in(n, 1));
          case "Add" -> add(x, in(n, 1));
          case "Relu" -> map(x, v -> Math.max(0f, v));
          case "LeakyRelu" -> {
            float alpha = f(n, "alpha", 0.01f);
            yield map(x, v -> v >= 0 ? v : alpha * v);
          }
          case "Sigmoid" -> map(x, v -> (float) (1 / (1 + Math.exp(-v))));
          case "Tanh" -> map(x, v -> (float) Math.tanh(v));
          case "BatchNormalization" -> batchNorm(n, x);
          case "LRN" -> lrn(n, x);
          case "Dropout", "Identity" -> x;
          case "Softmax" -> softmax(x);
          case "Flatten" -> new T(new long[] {x.dims[0], x.v.length / x.dims[0]}, x.v);
          case "Reshape" -> reshape(x, in(n, 1));
          case "Concat" -> x.dims.length == 1 ? joinVectors(n) : concat(n);
          case "Shape" -> {
            float[] v = new float[x.dims.length];
            for (int k = 0; k < v.length; k++) {
              v[k] = x.dims[k];
            }
            yield new T(new long[] {v.length}, v);
          }
          case "Gather" -> {
            T idx = in(n, 1);
            float[] v = new float[idx.v.length];
            for (int k = 0; k < v.length; k++) {
              v[k] = x.v[(int) idx.v[k]];
            }
            yield new T(idx.dims, v);
          }
          case "Unsqueeze" -> new T(new long[] {x.v.length}, x.v);
          case "Pad" -> pad(n, x);
          case "Constant" -> {
            AttributeProto ints = attr(n, "value_ints");
            if (ints != null) {
              float[] v = new float[ints.getIntsCount()];
              for (int k = 0; k < v.length; k++) {
                v[k] = ints.getInts(k);
              }
              yield new T(new long[] {v.length}, v);
            }
            yield tensor(attr(n, "value").getT());
          }
          default -> throw new IllegalArgumentException("reference has no " + n.getOpType());
        };
    values.put(n.getOutput(0), y);
  }

  private interface F {
    float f(float v);
  }

  private static T map(T x, F f) {
    float[] v = new float[x.v.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = f.f(x.v[i]);
    }
    return new T(x.dims, v);
  }

  /** [top, left, bottom, right] from pads or auto_pad (SAME_UPPER puts the odd one at the end). */
  private static long[] pads(NodeProto n, T x, long[] k, long[] s, long[] d) {
    String auto = s(n, "auto_pad", "NOTSET");
    if (auto.startsWith("SAME")) {
      long[] p = new long[4];
      for (int a = 0; a < 2; a++) {
        long in = x.dims[2 + a];
        long out = (in + s[a] - 1) / s[a];
        long total = Math.max(0, (out - 1) * s[a] + (k[a] - 1) * d[a] + 1 - in);
        p[a] = auto.equals("SAME_UPPER") ? total / 2 : total - total / 2;
        p[a + 2] = total - p[a];
      }
      return p;
    }
    return auto.equals("VALID") ? new long[4] : ints(n, "pads", 0, 0, 0, 0);
  }

  private static T conv(NodeProto n, T x, T w, T b) {
    int g = (int) i(n, "group", 1);
    long[] s = ints(n, "strides", 1, 1);
    long[] d = ints(n, "dilations", 1, 1);
    long[] k = {w.dims[2], w.dims[3]};
    long[] p = pads(n, x, k, s, d);
    int batch = x.d(0), c = x.d(1), h = x.d(2), wd = x.d(3);
    int kk = w.d(0), cg = c / g, kh = w.d(2), kw = w.d(3);
    int oh = (int) ((h + p[0] + p[2] - ((kh - 1) * d[0] + 1)) / s[0] + 1);
    int ow = (int) ((wd + p[1] + p[3] - ((kw - 1) * d[1] + 1)) / s[1] + 1);
    float[] y = new float[batch * kk * oh * ow];
    for (int nn = 0; nn < batch; nn++) {
      for (int o = 0; o < kk; o++) {
        int group = o / (kk / g);
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            double acc = b == null ? 0 : b.v[o];
            for (int ci = 0; ci < cg; ci++) {
              int cin = group * cg + ci;
              for (int u = 0; u < kh; u++) {
                for (int v = 0; v < kw; v++) {
                  long r = i * s[0] - p[0] + u * d[0];
                  long q = j * s[1] - p[1] + v * d[1];
                  if (r >= 0 && r < h && q >= 0 && q < wd) {
                    acc +=
                        x.v[(int) (((nn * c + cin) * h + r) * wd + q)]
                            * w.v[((o * cg + ci) * kh + u) * kw + v];
                  }
                }
              }
            }
            y[((nn * kk + o) * oh + i) * ow + j] = (float) acc;
          }
        }
      }
    }
    return new T(new long[] {batch, kk, oh, ow}, y);
  }

  private static T convTranspose(NodeProto n, T x, T w, T b) {
    long[] s = ints(n, "strides", 1, 1);
    long[] d = ints(n, "dilations", 1, 1);
    long[] p = ints(n, "pads", 0, 0, 0, 0);
    long[] op = ints(n, "output_padding", 0, 0);
    int batch = x.d(0), c = x.d(1), h = x.d(2), wd = x.d(3);
    int kk = w.d(1), kh = w.d(2), kw = w.d(3);
    int oh = (int) (s[0] * (h - 1) + op[0] + (kh - 1) * d[0] + 1 - p[0] - p[2]);
    int ow = (int) (s[1] * (wd - 1) + op[1] + (kw - 1) * d[1] + 1 - p[1] - p[3]);
    double[] y = new double[batch * kk * oh * ow];
    for (int nn = 0; nn < batch; nn++) {
      for (int ci = 0; ci < c; ci++) {
        for (int i = 0; i < h; i++) {
          for (int j = 0; j < wd; j++) {
            float xv = x.v[((nn * c + ci) * h + i) * wd + j];
            for (int o = 0; o < kk; o++) {
              for (int u = 0; u < kh; u++) {
                for (int v = 0; v < kw; v++) {
                  long r = i * s[0] - p[0] + u * d[0];
                  long q = j * s[1] - p[1] + v * d[1];
                  if (r >= 0 && r < oh && q >= 0 && q < ow) {
                    y[(int) (((nn * kk + o) * oh + r) * ow + q)] +=
                        xv * w.v[((ci * kk + o) * kh + u) * kw + v];
                  }
                }
              }
            }
          }
        }
      }
    }
    float[] out = new float[y.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (y[i] + (b == null ? 0 : b.v[(i / (oh * ow)) % kk]));
    }
    return new T(new long[] {batch, kk, oh, ow}, out);
  }

  private static T pool(NodeProto n, T x, boolean max) {
    long[] k = ints(n, "kernel_shape");
    long[] s = ints(n, "strides", 1, 1);
    long[] p = pads(n, x, k, s, new long[] {1, 1});
    boolean ceil = i(n, "ceil_mode", 0) != 0;
    boolean countPad = i(n, "count_include_pad", 0) != 0;
    int batch = x.d(0), c = x.d(1), h = x.d(2), wd = x.d(3);
    int[] out = new int[2];
    for (int a = 0; a < 2; a++) {
      long in = x.dims[2 + a];
      long span = in + p[a] + p[a + 2] - k[a];
      long o = ceil ? (span + s[a] - 1) / s[a] + 1 : span / s[a] + 1;
      // The last window must start inside the input or its left padding (ONNX Runtime, PyTorch).
      if (ceil && (o - 1) * s[a] >= in + p[a]) {
        o--;
      }
      out[a] = (int) o;
    }
    float[] y = new float[batch * c * out[0] * out[1]];
    for (int nc = 0; nc < batch * c; nc++) {
      for (int i = 0; i < out[0]; i++) {
        for (int j = 0; j < out[1]; j++) {
          double acc = max ? Double.NEGATIVE_INFINITY : 0;
          int count = 0;
          for (int u = 0; u < k[0]; u++) {
            for (int v = 0; v < k[1]; v++) {
              long r = i * s[0] - p[0] + u;
              long q = j * s[1] - p[1] + v;
              boolean inside = r >= 0 && r < h && q >= 0 && q < wd;
              boolean inPadded = r < h + p[2] && q < wd + p[3];
              if (inside) {
                float val = x.v[(int) ((nc * h + r) * wd + q)];
                acc = max ? Math.max(acc, val) : acc + val;
                count++;
              } else if (countPad && inPadded) {
                count++;
              }
            }
          }
          y[(nc * out[0] + i) * out[1] + j] = (float) (max ? acc : acc / count);
        }
      }
    }
    return new T(new long[] {batch, c, out[0], out[1]}, y);
  }

  /** A reshape to a given shape (0 keeps the batch, −1 takes the rest). */
  private static T reshape(T x, T shape) {
    long[] dims = new long[shape.v.length];
    long known = 1;
    int free = -1;
    for (int i = 0; i < dims.length; i++) {
      dims[i] = (long) shape.v[i] == 0 ? x.dims[i] : (long) shape.v[i];
      if (dims[i] == -1) {
        free = i;
      } else {
        known *= dims[i];
      }
    }
    if (free >= 0) {
      dims[free] = x.v.length / known;
    }
    return new T(dims, x.v);
  }

  private static T globalAverage(T x) {
    int nc = x.d(0) * x.d(1), plane = x.d(2) * x.d(3);
    float[] y = new float[nc];
    for (int i = 0; i < nc; i++) {
      double acc = 0;
      for (int j = 0; j < plane; j++) {
        acc += x.v[i * plane + j];
      }
      y[i] = (float) (acc / plane);
    }
    return new T(new long[] {x.dims[0], x.dims[1], 1, 1}, y);
  }

  private static T gemm(NodeProto n, T a, T b, T c) {
    boolean transB = i(n, "transB", 0) != 0;
    float alpha = f(n, "alpha", 1f);
    float beta = f(n, "beta", 1f);
    int m = a.d(0), kk = a.d(1);
    int out = transB ? b.d(0) : b.d(1);
    float[] y = new float[m * out];
    for (int r = 0; r < m; r++) {
      for (int o = 0; o < out; o++) {
        double acc = 0;
        for (int q = 0; q < kk; q++) {
          acc += a.v[r * kk + q] * (transB ? b.v[o * kk + q] : b.v[q * out + o]);
        }
        double bias = c == null ? 0 : c.v[c.v.length == 1 ? 0 : o];
        y[r * out + o] = (float) (alpha * acc + beta * bias);
      }
    }
    return new T(new long[] {m, out}, y);
  }

  private static T matMul(T a, T b) {
    int m = a.d(0), kk = a.d(1), out = b.d(1);
    float[] y = new float[m * out];
    for (int r = 0; r < m; r++) {
      for (int o = 0; o < out; o++) {
        double acc = 0;
        for (int q = 0; q < kk; q++) {
          acc += a.v[r * kk + q] * b.v[q * out + o];
        }
        y[r * out + o] = (float) acc;
      }
    }
    return new T(new long[] {m, out}, y);
  }

  /** Same shapes, or a per-channel constant broadcast from the right. */
  private static T add(T x, T y) {
    if (x.v.length < y.v.length) {
      return add(y, x);
    }
    float[] v = new float[x.v.length];
    int inner = 1;
    for (int a = 2; a < x.dims.length; a++) {
      inner *= x.d(a);
    }
    for (int i = 0; i < v.length; i++) {
      int j = y.v.length == x.v.length ? i : y.v.length == 1 ? 0 : (i / inner) % x.d(1);
      v[i] = x.v[i] + y.v[j];
    }
    return new T(x.dims, v);
  }

  private T batchNorm(NodeProto n, T x) {
    T scale = in(n, 1), bias = in(n, 2), mean = in(n, 3), var = in(n, 4);
    float eps = f(n, "epsilon", 1e-5f);
    int c = x.d(1);
    int inner = x.v.length / x.d(0) / c;
    float[] y = new float[x.v.length];
    for (int i = 0; i < y.length; i++) {
      int ch = (i / inner) % c;
      y[i] =
          (float) (scale.v[ch] * (x.v[i] - mean.v[ch]) / Math.sqrt(var.v[ch] + eps) + bias.v[ch]);
    }
    return new T(x.dims, y);
  }

  private static T lrn(NodeProto n, T x) {
    int size = (int) i(n, "size", 1);
    float alpha = f(n, "alpha", 1e-4f), beta = f(n, "beta", 0.75f), bias = f(n, "bias", 1f);
    int c = x.d(1), plane = x.d(2) * x.d(3);
    float[] y = new float[x.v.length];
    for (int nn = 0; nn < x.d(0); nn++) {
      for (int ch = 0; ch < c; ch++) {
        for (int q = 0; q < plane; q++) {
          double sum = 0;
          int from = Math.max(0, ch - (size - 1) / 2);
          int to = Math.min(c - 1, ch + size / 2);
          for (int j = from; j <= to; j++) {
            float v = x.v[(nn * c + j) * plane + q];
            sum += v * v;
          }
          int at = (nn * c + ch) * plane + q;
          y[at] = (float) (x.v[at] / Math.pow(bias + alpha / size * sum, beta));
        }
      }
    }
    return new T(x.dims, y);
  }

  private static T softmax(T x) {
    int per = x.v.length / x.d(0);
    float[] y = new float[x.v.length];
    for (int nn = 0; nn < x.d(0); nn++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < per; i++) {
        max = Math.max(max, x.v[nn * per + i]);
      }
      double sum = 0;
      for (int i = 0; i < per; i++) {
        sum += Math.exp(x.v[nn * per + i] - max);
      }
      for (int i = 0; i < per; i++) {
        y[nn * per + i] = (float) (Math.exp(x.v[nn * per + i] - max) / sum);
      }
    }
    return new T(x.dims, y);
  }

  private T concat(NodeProto n) {
    List<T> parts = n.getInputList().stream().map(values::get).toList();
    int batch = parts.get(0).d(0);
    int total = parts.stream().mapToInt(t -> t.v.length / batch).sum();
    float[] y = new float[batch * total];
    int channels = 0;
    int at = 0;
    for (int nn = 0; nn < batch; nn++) {
      for (T t : parts) {
        int per = t.v.length / batch;
        System.arraycopy(t.v, nn * per, y, at, per);
        at += per;
      }
    }
    long[] dims = parts.get(0).dims.clone();
    for (T t : parts) {
      channels += t.d(1);
    }
    dims[1] = channels;
    return new T(dims, y);
  }

  private T joinVectors(NodeProto n) {
    List<T> parts = n.getInputList().stream().map(values::get).toList();
    float[] v = new float[parts.stream().mapToInt(t -> t.v.length).sum()];
    int at = 0;
    for (T t : parts) {
      System.arraycopy(t.v, 0, v, at, t.v.length);
      at += t.v.length;
    }
    return new T(new long[] {v.length}, v);
  }

  private T pad(NodeProto n, T x) {
    long[] p;
    if (opset < 11) {
      p = ints(n, "pads");
    } else {
      T t = in(n, 1);
      p = new long[t.v.length];
      for (int i = 0; i < p.length; i++) {
        p[i] = (long) t.v[i];
      }
    }
    int batch = x.d(0), c = x.d(1), h = x.d(2), w = x.d(3);
    int oh = (int) (h + p[2] + p[6]), ow = (int) (w + p[3] + p[7]);
    float[] y = new float[batch * c * oh * ow];
    for (int nc = 0; nc < batch * c; nc++) {
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          y[(int) ((nc * oh + i + p[2]) * ow + j + p[3])] = x.v[(nc * h + i) * w + j];
        }
      }
    }
    return new T(new long[] {batch, c, oh, ow}, y);
  }
}

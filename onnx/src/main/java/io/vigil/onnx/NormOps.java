package io.vigil.onnx;

import io.vigil.engine.layer.BatchNormSpec;
import io.vigil.engine.layer.DropoutSpec;
import io.vigil.engine.layer.LayerSpec;
import io.vigil.engine.layer.LeakyReluSpec;
import io.vigil.engine.layer.LrnSpec;
import io.vigil.engine.layer.ReluSpec;
import io.vigil.engine.layer.SigmoidSpec;
import io.vigil.engine.layer.TanhSpec;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Set;
import onnx.Onnx.NodeProto;

/** Activations, BatchNormalization, LRN and Dropout: layers that keep their input's shape. */
final class NormOps {

  private NormOps() {}

  static void activation(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    Activation x = g.activation(ref, n, 0);
    LayerSpec spec;
    boolean nonNegative;
    switch (n.getOpType()) {
      case "Relu" -> {
        a.allowOnly(Set.of());
        spec = new ReluSpec();
        nonNegative = true;
      }
      case "LeakyRelu" -> {
        a.allowOnly(Set.of("alpha"));
        float alpha = a.real("alpha", 0.01f);
        if (!(alpha >= 0f && alpha < 1f)) {
          throw ref.fail("alpha=" + alpha + " is outside vigil's [0, 1)");
        }
        spec = new LeakyReluSpec(alpha);
        nonNegative = false;
      }
      case "Sigmoid" -> {
        a.allowOnly(Set.of());
        spec = new SigmoidSpec();
        nonNegative = true;
      }
      default -> {
        a.allowOnly(Set.of());
        spec = new TanhSpec();
        nonNegative = false;
      }
    }
    g.emit(ref, n, spec, List.of(x), x.rank(), nonNegative, false);
  }

  static void batchNorm(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    a.allowOnly(Set.of("epsilon", "momentum", "spatial", "training_mode"));
    if (a.integer("spatial", 1) != 1) {
      throw ref.fail("spatial=0 (statistics per position) is not supported");
    }
    if (a.integer("training_mode", 0) != 0) {
      throw ref.fail("training_mode=1 is not supported; export the model for inference");
    }
    // Opset 9 lists running and saved statistics as outputs 1-4, opset 14 the running ones as
    // outputs 1-2; they exist only in training, so nothing may read them.
    g.requireUnused(ref, n, 1);
    Activation x = g.activation(ref, n, 0);
    int channels = x.shape().c();
    String[] roles = {"scale", "B", "mean", "var"};
    float[][] v = new float[4][];
    for (int i = 0; i < 4; i++) {
      Constant c = g.floats(ref, n, i + 1, true, roles[i]);
      if (c.rank() != 1 || c.dims()[0] != channels) {
        throw ref.fail(
            roles[i]
                + " "
                + c.dimsText()
                + " does not have one value per channel of "
                + x.dimsText());
      }
      v[i] = c.floats();
    }
    float eps = a.real("epsilon", 1e-5f);
    // ONNX: running = momentum·running + (1 − momentum)·batch; vigil (as PyTorch): running =
    // (1 − momentum)·running + momentum·batch. So vigil's momentum is 1 − ONNX's, taken in decimal
    // (1 − 0.9f in float is 0.100000024; PyTorch's 0.1 written as 0.9 should come back as 0.1).
    float onnxMomentum = a.real("momentum", 0.9f);
    float momentum =
        BigDecimal.ONE.subtract(new BigDecimal(Float.toString(onnxMomentum))).floatValue();
    if (!(eps > 0f) || !(momentum >= 0f && momentum <= 1f)) {
      throw ref.fail("epsilon=" + eps + " must be > 0 and momentum=" + onnxMomentum + " in [0, 1]");
    }
    NetworkDraft.Node node =
        g.emit(ref, n, new BatchNormSpec(eps, momentum), List.of(x), x.rank(), false, false);
    node.tensors.put("weight", v[0]);
    node.tensors.put("bias", v[1]);
    node.tensors.put("running_mean", v[2]);
    node.tensors.put("running_var", v[3]);
  }

  static void lrn(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    a.allowOnly(Set.of("size", "alpha", "beta", "bias"));
    Activation x = g.activation(ref, n, 0);
    ConvOps.requireImage(ref, x);
    if (!a.has("size")) {
      throw ref.fail("size is required");
    }
    int size = a.integer("size", 1, 1, 1 << 16);
    // ONNX sums channels c − ⌊(n−1)/2⌋ … c + ⌈(n−1)/2⌉, vigil c − ⌊n/2⌋ … c + ⌊(n−1)/2⌋: the same
    // window for odd n only.
    if (size % 2 == 0) {
      throw ref.fail(
          "size=" + size + " is even; ONNX centres an even window differently from vigil");
    }
    float alpha = a.real("alpha", 1e-4f);
    float beta = a.real("beta", 0.75f);
    float bias = a.real("bias", 1f);
    if (!(alpha >= 0f) || !(beta >= 0f) || !(bias > 0f)) {
      throw ref.fail(
          "needs alpha ≥ 0, beta ≥ 0, bias > 0, got alpha="
              + alpha
              + " beta="
              + beta
              + " bias="
              + bias);
    }
    // ONNX scales the sum of squares by alpha/size, vigil by its alpha (AlexNet's paper form).
    // Divided in decimal, so that an alpha written as vigil's α·n (1e-4·5 = 5.0E-4) comes back as
    // α exactly rather than a float quotient one unit off.
    float vigilAlpha =
        new BigDecimal(Float.toString(alpha))
            .divide(BigDecimal.valueOf(size), MathContext.DECIMAL64)
            .floatValue();
    LrnSpec spec = new LrnSpec(size, vigilAlpha, beta, bias);
    g.emit(ref, n, spec, List.of(x), 4, false, false);
  }

  static void dropout(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    g.requireUnused(ref, n, 1);
    Activation x = g.activation(ref, n, 0);
    float ratio;
    if (g.opset() < 12) {
      a.allowOnly(Set.of("ratio", "is_test"));
      ratio = a.real("ratio", 0.5f);
    } else {
      // From opset 12 the ratio and training mode are inputs.
      a.allowOnly(Set.of("seed"));
      Constant r = g.floats(ref, n, 1, false, "ratio");
      if (r != null && r.count() != 1) {
        throw ref.fail("ratio " + r.dimsText() + " must be one value");
      }
      ratio = r == null ? 0.5f : r.floats()[0];
      Constant training = g.constant(ref, n, 2, false);
      if (training != null && (training.count() != 1 || value(training) != 0)) {
        throw ref.fail("training_mode is true; export the model for inference");
      }
    }
    if (!(ratio >= 0f && ratio < 1f)) {
      throw ref.fail("ratio=" + ratio + " must lie in [0, 1)");
    }
    g.emit(ref, n, new DropoutSpec(ratio), List.of(x), x.rank(), x.nonNegative(), false);
  }

  private static double value(Constant c) {
    return c.isFloat() ? c.floats()[0] : c.ints()[0];
  }
}

package io.vigil.engine.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.layer.AddSpec;
import io.vigil.engine.layer.AvgPool2dSpec;
import io.vigil.engine.layer.BatchNormSpec;
import io.vigil.engine.layer.ConcatSpec;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.FlattenSpec;
import io.vigil.engine.layer.GlobalAvgPoolSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.Padding;
import io.vigil.engine.layer.Parameter;
import io.vigil.engine.layer.TanhSpec;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Networks as DAGs: an Inception-style module (one node read by four branches, concatenated) and a
 * residual block (addition with the skip connection), checked end to end against finite differences
 * of {@code L = Σ r ⊙ logits}: a node read by several consumers must receive the sum of their
 * gradients.
 */
class DagTest {

  private static final CpuBackend BACKEND = new CpuBackend(2);

  private static Network inceptionResidual() {
    return Network.builder(2, 6, 6)
        .add("stem", Conv2dSpec.of(4, 3, 1, Padding.SAME))
        .add("stem_act", new TanhSpec())
        .add("b1", Conv2dSpec.of(2, 1, 1, 0), "stem_act")
        .add("b2_reduce", Conv2dSpec.of(2, 1, 1, 0), "stem_act")
        .add("b2", Conv2dSpec.of(3, 3, 1, 1), "b2_reduce")
        .add("b3", Conv2dSpec.of(2, 5, 1, Padding.SAME).withoutBias(), "stem_act")
        .add("b4_pool", new AvgPool2dSpec(3, 3, 1, 1, 1, 1), "stem_act")
        .add("b4", Conv2dSpec.of(1, 1, 1, 0), "b4_pool")
        .add("concat", new ConcatSpec(), "b1", "b2", "b3", "b4")
        .add("bn", BatchNormSpec.defaults())
        .add("res_a", Conv2dSpec.of(8, 3, 1, 1))
        .add("res_act", new TanhSpec())
        .add("res_b", Conv2dSpec.of(8, 3, 1, 1))
        .add("residual", new AddSpec(), "res_b", "bn")
        .add("twice", new AddSpec(), "residual", "residual")
        .add("gap", new GlobalAvgPoolSpec())
        .add("flatten", new FlattenSpec())
        .add("fc", new LinearSpec(3))
        .optBackend(BACKEND)
        .optSeed(4)
        .build();
  }

  @Test
  void shapesFlowThroughConcatAndAdd() {
    Network net = inceptionResidual();
    assertEquals(new Shape(1, 3, 1, 1), net.outputShape());
    assertEquals(new Shape(1, 8, 6, 6), net.spec().shapes().get("concat"));
    assertEquals(net.outputShape(), net.spec().outputShape());
  }

  @Test
  void gradientsOfSharedNodesAreSummed() {
    Network net = inceptionResidual();
    Random random = new Random(8);
    for (Parameter p : net.parameters()) {
      float[] v = values(p.value());
      for (int i = 0; i < v.length; i++) {
        v[i] += (float) (0.1 * random.nextGaussian());
      }
      BACKEND.upload(v, 0, p.value(), 0, v.length);
    }
    Shape in = new Shape(3, 2, 6, 6);
    Tensor x = BACKEND.allocate(in);
    float[] xv = new float[in.size()];
    for (int i = 0; i < xv.length; i++) {
      xv[i] = (float) random.nextGaussian();
    }
    BACKEND.upload(xv, 0, x, 0, xv.length);
    float[] r = {1, -2, 0.5f, 0.3f, 1, -1, 2, 0.1f, -0.7f};
    Tensor dOut = BACKEND.allocate(new Shape(3, 3, 1, 1));
    BACKEND.upload(r, 0, dOut, 0, r.length);
    net.forward(x, true);
    net.zeroGradients();
    net.backward(dOut);
    float step = 1e-2f;
    int checked = 0;
    for (Parameter p : net.parameters()) {
      float[] grad = values(p.grad());
      float[] value = values(p.value());
      // A few entries of every parameter, including the stem that four branches read.
      for (int i = 0; i < value.length; i += Math.max(1, value.length / 5)) {
        float saved = value[i];
        value[i] = saved + step;
        BACKEND.upload(value, 0, p.value(), 0, value.length);
        double plus = dot(r, values(net.forward(x, true)));
        value[i] = saved - step;
        BACKEND.upload(value, 0, p.value(), 0, value.length);
        double minus = dot(r, values(net.forward(x, true)));
        value[i] = saved;
        BACKEND.upload(value, 0, p.value(), 0, value.length);
        double numeric = (plus - minus) / (2 * step);
        double tolerance = 2e-3 + 0.02 * Math.abs(numeric);
        if (Math.abs(numeric - grad[i]) > tolerance) {
          throw new AssertionError(
              p.name() + "[" + i + "]: backward " + grad[i] + ", finite differences " + numeric);
        }
        checked++;
      }
    }
    assertTrue(checked > 60, "checked " + checked);
  }

  @Test
  void nodeReadTwiceByOneNodeGetsBothGradients() {
    Network net =
        Network.builder(1, 2, 2)
            .add("flat", new FlattenSpec())
            .add("fc", new LinearSpec(1))
            .add("double", new AddSpec(), "fc", "fc")
            .optBackend(BACKEND)
            .build();
    Tensor x = BACKEND.allocate(new Shape(1, 1, 2, 2));
    BACKEND.upload(new float[] {1, 2, 3, 4}, 0, x, 0, 4);
    float y = values(net.forward(x, true))[0];
    float[] w = values(net.parameters().get(0).value());
    assertEquals(2 * (w[0] + 2 * w[1] + 3 * w[2] + 4 * w[3]), y, 1e-5f);
    Tensor dOut = BACKEND.allocate(new Shape(1, 1, 1, 1));
    BACKEND.fill(dOut, 1f);
    net.zeroGradients();
    net.backward(dOut);
    assertEquals(2f, values(net.parameters().get(1).grad())[0], 1e-6f);
    assertEquals(8f, values(net.parameters().get(0).grad())[3], 1e-6f);
  }

  @Test
  void dagRoundTripsThroughJson() throws Exception {
    NetworkSpec spec = inceptionResidual().spec();
    ObjectMapper mapper = new ObjectMapper();
    String json = mapper.writeValueAsString(spec);
    assertTrue(json.contains("\"inputs\":[\"b1\",\"b2\",\"b3\",\"b4\"]"), json);
    assertEquals(spec, mapper.readValue(json, NetworkSpec.class));
  }

  @Test
  void concatOfDifferentSizesIsRejectedNamingTheNode() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Network.builder(1, 6, 6)
                    .add("a", Conv2dSpec.of(2, 3, 1, 0), NetworkSpec.INPUT)
                    .add("b", Conv2dSpec.of(2, 3, 1, 1), NetworkSpec.INPUT)
                    .add("mix", new ConcatSpec(), "a", "b")
                    .build());
    assertTrue(e.getMessage().startsWith("mix: concatenation"), e.getMessage());
    assertTrue(e.getMessage().contains("1×2×4×4"), e.getMessage());
  }

  @Test
  void singleInputLayerGivenTwoInputsIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Network.builder(1, 4, 4)
                    .add("a", new TanhSpec())
                    .add("b", new TanhSpec(), "a", NetworkSpec.INPUT)
                    .build());
    assertTrue(e.getMessage().startsWith("b: this layer reads exactly one input"), e.getMessage());
  }

  private static float[] values(Tensor t) {
    float[] v = new float[t.size()];
    BACKEND.download(t, 0, v, 0, v.length);
    return v;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}

package io.vigil.engine.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.data.Dataset;
import io.vigil.engine.data.Datasets;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.layer.ConnectionTableConv2dSpec;
import io.vigil.engine.layer.LayerSpec;
import io.vigil.engine.layer.Parameter;
import io.vigil.engine.layer.SubsamplingSpec;
import io.vigil.engine.network.Network;
import io.vigil.engine.summary.NetworkSummary;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import io.vigil.engine.train.Trainer;
import io.vigil.engine.train.TrainingConfig;
import io.vigil.engine.train.TrainingListener;
import io.vigil.engine.train.TrainingResult;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * LeNet-5 as the textbook (000/001) describes it: neurons, trainable parameters and connections per
 * layer, and the two layers it needs — the C3 connection table and trainable subsampling.
 */
class LeNet5ClassicTest {

  @Test
  void matchesTheTextbookLayerByLayer() {
    NetworkSummary s = NetworkSummary.of(LeNet5Classic.spec(10));
    String[] layers = {"C1", "S2", "C3", "S4", "C5", "F6"};
    long[] neurons = {4_704, 1_176, 1_600, 400, 120, 84};
    long[] parameters = {156, 12, 1_516, 32, 48_120, 10_164};
    long[] connections = {122_304, 5_880, 151_600, 2_000, 48_120, 10_164};
    for (int i = 0; i < layers.length; i++) {
      NetworkSummary.Row row = s.row(layers[i]);
      assertEquals(neurons[i], row.activations(), layers[i] + " neurons");
      assertEquals(parameters[i], row.parameters(), layers[i] + " parameters");
      assertEquals(connections[i], row.connections(), layers[i] + " connections");
    }
    assertEquals(60, ConnectionTableConv2dSpec.leNetC3().kernels(), "C3 uses 60 kernels");
  }

  /** A one-layer network, its input and the loss Σ out·r for a fixed random r. */
  private record Probe(Network net, Tensor in, float[] r) {
    double loss() {
      Backend b = net.backend();
      Tensor out = net.forward(in, true);
      float[] y = new float[out.size()];
      b.download(out, 0, y, 0, y.length);
      double sum = 0;
      for (int i = 0; i < y.length; i++) {
        sum += (double) y[i] * r[i];
      }
      return sum;
    }

    void backward() {
      Backend b = net.backend();
      Tensor out = net.forward(in, true);
      Tensor dOut = b.allocate(out.shape());
      b.upload(r, 0, dOut, 0, r.length);
      net.zeroGradients();
      net.backward(dOut);
    }
  }

  private static Probe probe(LayerSpec spec, Shape in, long seed) {
    Network net = Network.builder(in.c(), in.h(), in.w()).add("layer", spec).optSeed(seed).build();
    Backend b = net.backend();
    Random random = new Random(seed);
    float[] x = new float[in.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    Tensor input = b.allocate(in);
    b.upload(x, 0, input, 0, x.length);
    float[] r = new float[net.outputShape().withBatch(in.n()).size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = (float) random.nextGaussian();
    }
    return new Probe(net, input, r);
  }

  private static float[] values(Backend b, Tensor t) {
    float[] v = new float[t.size()];
    b.download(t, 0, v, 0, v.length);
    return v;
  }

  /** Adds {@code delta} to the given entries of a parameter. */
  private static void nudge(Backend b, Tensor t, int from, int to, float delta) {
    float[] v = values(b, t);
    for (int i = from; i < to; i++) {
      v[i] += delta;
    }
    b.upload(v, 0, t, 0, v.length);
  }

  @Test
  void subsamplingHasOneCoefficientPerChannelAndItsGradient() {
    Probe p = probe(new SubsamplingSpec(2), new Shape(2, 3, 4, 6), 11);
    Backend b = p.net().backend();
    Parameter weight = p.net().parameters().get(0);
    Parameter bias = p.net().parameters().get(1);
    float[] w = values(b, weight.value());
    for (int c = 0; c < 3; c++) {
      for (int t = 1; t < 4; t++) {
        assertEquals(w[c * 4], w[c * 4 + t], "channel " + c + " taps start equal");
      }
    }
    p.backward();
    float[] grad = values(b, weight.grad());
    float[] biasGrad = values(b, bias.grad());
    float h = 1e-2f;
    for (int c = 0; c < 3; c++) {
      for (int t = 1; t < 4; t++) {
        assertEquals(grad[c * 4], grad[c * 4 + t], 1e-6f, "channel " + c + " taps tied");
      }
      // The coefficient a_c is all four taps at once.
      nudge(b, weight.value(), c * 4, c * 4 + 4, h);
      double plus = p.loss();
      nudge(b, weight.value(), c * 4, c * 4 + 4, -2 * h);
      double minus = p.loss();
      nudge(b, weight.value(), c * 4, c * 4 + 4, h);
      assertEquals((plus - minus) / (2 * h), grad[c * 4], 2e-2 * Math.abs(grad[c * 4]) + 1e-3);
      nudge(b, bias.value(), c, c + 1, h);
      plus = p.loss();
      nudge(b, bias.value(), c, c + 1, -2 * h);
      minus = p.loss();
      nudge(b, bias.value(), c, c + 1, h);
      assertEquals((plus - minus) / (2 * h), biasGrad[c], 2e-2 * Math.abs(biasGrad[c]) + 1e-3);
    }
    // Accumulation: a second backward without zeroing doubles the tied gradient.
    Tensor out = p.net().forward(p.in(), true);
    Tensor dOut = b.allocate(out.shape());
    b.upload(p.r(), 0, dOut, 0, p.r().length);
    p.net().backward(dOut);
    float[] twice = values(b, weight.grad());
    assertEquals(2 * grad[0], twice[0], 1e-4f * Math.abs(grad[0]) + 1e-6f);
    assertEquals(twice[0], twice[3], 1e-6f);
  }

  @Test
  void subsamplingForwardIsCoefficientTimesBlockSumPlusBias() {
    Network net = Network.builder(1, 2, 2).add("s", new SubsamplingSpec(2)).build();
    Backend b = net.backend();
    b.upload(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, 0, net.parameters().get(0).value(), 0, 4);
    b.upload(new float[] {0.25f}, 0, net.parameters().get(1).value(), 0, 1);
    Tensor in = b.allocate(new Shape(1, 1, 2, 2));
    b.upload(new float[] {1, 2, 3, 4}, 0, in, 0, 4);
    assertEquals(0.5f * 10 + 0.25f, values(b, net.forward(in, false))[0], 1e-6f);
  }

  @Test
  void connectionTableKeepsUnconnectedWeightsAtZero() {
    ConnectionTableConv2dSpec c3 = ConnectionTableConv2dSpec.leNetC3();
    Probe p = probe(c3, new Shape(2, 6, 9, 9), 5);
    Backend b = p.net().backend();
    Parameter weight = p.net().parameters().get(0);
    p.backward();
    float[] w = values(b, weight.value());
    float[] g = values(b, weight.grad());
    int nonZero = 0;
    for (int k = 0; k < 16; k++) {
      for (int c = 0; c < 6; c++) {
        boolean connected = c3.inputs().get(k).contains(c);
        for (int t = 0; t < 25; t++) {
          int i = (k * 6 + c) * 25 + t;
          if (!connected) {
            assertTrue(w[i] == 0f, "weight of unconnected filter " + k + " channel " + c);
            assertTrue(g[i] == 0f, "gradient of unconnected filter " + k + " channel " + c);
          } else if (w[i] != 0) {
            nonZero++;
          }
        }
      }
    }
    assertEquals(60 * 25, nonZero, "the 60 connected 5×5 kernels are trainable");
    // A connected weight's gradient agrees with finite differences.
    int i = (15 * 6 + 5) * 25 + 12;
    float h = 1e-2f;
    nudge(b, weight.value(), i, i + 1, h);
    double plus = p.loss();
    nudge(b, weight.value(), i, i + 1, -2 * h);
    double minus = p.loss();
    assertEquals((plus - minus) / (2 * h), g[i], 2e-2 * Math.abs(g[i]) + 1e-3);
  }

  @Test
  void classicLeNetTrainsOnPaddedFashionMnist() throws IOException {
    Dataset data = Datasets.open(FashionMnist.DEFAULT_DIR, 1, 32, 32);
    Network net = ModelZoo.get("lenet5-classic").create(3, 10);
    TrainingResult result =
        new Trainer(net, LeNet5Classic.INPUT, new TrainingConfig(1, 32, 0.01f, 0.9f, 0f, 3L))
            .fit(data.train().head(2_000), data.test().head(500), TrainingListener.silent());
    assertTrue(result.testAccuracy() > 0.6, "accuracy " + result.testAccuracy());
  }
}

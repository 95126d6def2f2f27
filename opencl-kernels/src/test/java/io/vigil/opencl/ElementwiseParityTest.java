package io.vigil.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.ActivationKind;
import io.vigil.engine.backend.AdamStep;
import io.vigil.engine.tensor.IntTensor;
import io.vigil.engine.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opentest4j.AssertionFailedError;

/**
 * Memory, elementwise, activation, softmax and loss ops of the OpenCL backend equal the CPU ones on
 * awkward sizes (primes, 1, offsets into larger buffers).
 */
class ElementwiseParityTest {

  private static final Shape ODD = new Shape(3, 5, 7, 11);
  private static final Shape ONE = new Shape(1, 1, 1, 1);

  @Test
  void theParityCheckCatchesADifference() {
    float[] expected = {1f, -2f, 0f, 1e-3f};
    Twin.assertClose("within 1e-4", expected, new float[] {1f, -2.0001f, 0f, 1.000001e-3f});
    assertThrows(
        AssertionFailedError.class,
        () -> Twin.assertClose("off by 2e-4", expected, new float[] {1f, -2.0004f, 0f, 1e-3f}));
    assertThrows(
        AssertionFailedError.class,
        () -> Twin.assertClose("NaN", expected, new float[] {1f, -2f, Float.NaN, 1e-3f}));
  }

  @Test
  void uploadDownloadRoundTripsWithOffsets() {
    float[] values = Twin.values(101, 1);
    var t = Twin.CL.allocate(new Shape(1, 103, 1, 1));
    Twin.CL.upload(values, 5, t, 2, 96);
    float[] back = new float[100];
    Twin.CL.download(t, 2, back, 1, 96);
    for (int i = 0; i < 96; i++) {
      assertEquals(values[5 + i], back[1 + i]);
    }
    float[] zeros = new float[2];
    Twin.CL.download(t, 0, zeros, 0, 2);
    assertEquals(0f, zeros[0], "allocate zero-fills");
    assertEquals(0f, zeros[1], "allocate zero-fills");
  }

  @Test
  void intsDownloadAsUploaded() {
    int[] values = {7, -3, 0, 41, 5};
    IntTensor t = Twin.CL.allocateInts(6);
    Twin.CL.uploadInts(values, 0, t, values.length);
    int[] back = new int[7];
    Twin.CL.downloadInts(t, back, 1, 6);
    for (int i = 0; i < values.length; i++) {
      assertEquals(values[i], back[1 + i]);
    }
    assertEquals(0, back[6], "allocateInts zero-fills");
    assertThrows(IllegalArgumentException.class, () -> Twin.CL.downloadInts(t, back, 0, 7));
  }

  /**
   * Uploads return before the device has the values (ClStaging): back-to-back uploads, the last one
   * larger than the staging area so that it is reallocated, must each land intact, and a kernel
   * enqueued right after an upload must see it.
   */
  @Test
  void uploadsInFlightKeepTheirValues() {
    int large = 1 << 20;
    float[] a = Twin.values(large, 21);
    float[] b = Twin.values(37, 22);
    float[] c = Twin.values(3 * large, 23);
    var ta = Twin.CL.allocate(new Shape(1, large, 1, 1));
    var tb = Twin.CL.allocate(new Shape(1, 37, 1, 1));
    var tc = Twin.CL.allocate(new Shape(1, 3 * large, 1, 1));
    var doubled = Twin.CL.allocate(new Shape(1, 37, 1, 1));
    Twin.CL.upload(a, 0, ta, 0, large);
    Twin.CL.upload(b, 0, tb, 0, 37);
    Twin.CL.copy(tb, doubled);
    Twin.CL.scale(doubled, 2f);
    Twin.CL.upload(c, 0, tc, 0, 3 * large);
    float[] backA = new float[large];
    float[] backB = new float[37];
    float[] backC = new float[3 * large];
    float[] backDoubled = new float[37];
    Twin.CL.download(ta, 0, backA, 0, large);
    Twin.CL.download(tb, 0, backB, 0, 37);
    Twin.CL.download(tc, 0, backC, 0, 3 * large);
    Twin.CL.download(doubled, 0, backDoubled, 0, 37);
    assertTrue(java.util.Arrays.equals(a, backA), "first upload");
    assertTrue(java.util.Arrays.equals(b, backB), "second upload");
    assertTrue(java.util.Arrays.equals(c, backC), "upload that grows the staging area");
    for (int i = 0; i < 37; i++) {
      assertEquals(2f * b[i], backDoubled[i], "kernel after an upload, value " + i);
    }
  }

  @Test
  void fillCopyAxpyScaleMultiplyMatch() {
    for (Shape s : new Shape[] {ODD, ONE}) {
      Twin x = Twin.offsetView(s, 3, 2);
      Twin y = Twin.offsetView(s, 1, 3);
      Twin z = Twin.random(s, 4);
      for (var b : new io.vigil.engine.backend.Backend[] {Twin.CPU, Twin.CL}) {
        b.axpy(-0.37f, x.on(b), y.on(b));
        b.scale(y.on(b), 1.9f);
        b.multiply(y.on(b), x.on(b), z.on(b));
        b.multiply(z.on(b), z.on(b), z.on(b));
      }
      y.assertClose("axpy then scale " + s);
      z.assertClose("multiply " + s);
      for (var b : new io.vigil.engine.backend.Backend[] {Twin.CPU, Twin.CL}) {
        b.copy(x.on(b), y.on(b));
        b.fill(x.on(b), 2.5f);
      }
      y.assertClose("copy " + s);
      x.assertClose("fill " + s);
    }
  }

  @Test
  void channelBiasAndItsGradientMatch() {
    Twin t = Twin.random(ODD, 5);
    Twin bias = Twin.offsetView(new Shape(1, 5, 1, 1), 2, 6);
    Twin grad = Twin.random(new Shape(1, 5, 1, 1), 7);
    for (var b : new io.vigil.engine.backend.Backend[] {Twin.CPU, Twin.CL}) {
      b.addChannelBias(t.on(b), bias.on(b));
      b.accumulateChannelBiasGrad(t.on(b), grad.on(b));
    }
    t.assertClose("addChannelBias");
    grad.assertClose("accumulateChannelBiasGrad");
    // A plane larger than the work group and a single image of one channel.
    Twin big = Twin.random(new Shape(2, 3, 17, 19), 8);
    Twin g3 = Twin.zeros(new Shape(1, 3, 1, 1));
    Twin one = Twin.random(ONE, 9);
    Twin g1 = Twin.random(ONE, 10);
    for (var b : new io.vigil.engine.backend.Backend[] {Twin.CPU, Twin.CL}) {
      b.accumulateChannelBiasGrad(big.on(b), g3.on(b));
      b.accumulateChannelBiasGrad(one.on(b), g1.on(b));
    }
    g3.assertClose("bias gradient over 2×17×19 values");
    g1.assertClose("bias gradient of one value");
  }

  @Test
  void copyChannelsMatches() {
    Twin src = Twin.random(new Shape(3, 7, 5, 3), 11);
    Twin dst = Twin.random(new Shape(3, 4, 5, 3), 12);
    for (var b : new io.vigil.engine.backend.Backend[] {Twin.CPU, Twin.CL}) {
      b.copyChannels(src.on(b), 2, dst.on(b), 1, 3);
    }
    dst.assertClose("copyChannels");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Twin.CL.copyChannels(src.cl, 5, dst.cl, 0, 3));
    assertTrue(e.getMessage().contains("cannot copy 3 channels from channel 5"), e.getMessage());
  }

  @Test
  void adamStepMatches() {
    Shape s = new Shape(1, 1, 13, 17);
    Twin w = Twin.random(s, 13);
    Twin g = Twin.random(s, 14);
    Twin m = Twin.random(s, 15);
    Twin v = Twin.of(s, abs(Twin.values(s.size(), 16)));
    AdamStep step = AdamStep.at(3, 0.01f, 0.9f, 0.999f, 1e-8f, 5e-4f);
    for (var b : new io.vigil.engine.backend.Backend[] {Twin.CPU, Twin.CL}) {
      b.adamUpdate(w.on(b), g.on(b), m.on(b), v.on(b), step);
    }
    w.assertClose("adam weights");
    m.assertClose("adam first moment");
    v.assertClose("adam second moment");
  }

  @ParameterizedTest
  @EnumSource(ActivationKind.class)
  void activationsAndTheirGradientsMatch(ActivationKind kind) {
    Twin x = Twin.random(ODD, 17);
    Twin y = Twin.zeros(ODD);
    Twin dy = Twin.random(ODD, 18);
    Twin dx = Twin.offsetView(ODD, 7, 19);
    for (var b : new io.vigil.engine.backend.Backend[] {Twin.CPU, Twin.CL}) {
      b.activation(kind, 0.13f, x.on(b), y.on(b));
      b.activationBackward(kind, 0.13f, x.on(b), y.on(b), dy.on(b), dx.on(b));
    }
    y.assertClose(kind + " forward");
    dx.assertClose(kind + " backward");
  }

  @Test
  void softmaxAndItsGradientMatch() {
    for (Shape s : new Shape[] {new Shape(5, 13, 1, 1), new Shape(2, 3, 7, 5), ONE}) {
      Twin logits = Twin.of(s, scaled(Twin.values(s.size(), 20), 8f));
      Twin p = Twin.zeros(s);
      Twin dp = Twin.random(s, 21);
      Twin dx = Twin.zeros(s);
      for (var b : new io.vigil.engine.backend.Backend[] {Twin.CPU, Twin.CL}) {
        b.softmax(logits.on(b), p.on(b));
        b.softmaxBackward(p.on(b), dp.on(b), dx.on(b));
      }
      p.assertClose("softmax " + s);
      dx.assertClose("softmax backward " + s);
    }
  }

  @Test
  void crossEntropyAndItsGradientMatch() {
    Shape s = new Shape(7, 11, 1, 1);
    Twin logits = Twin.of(s, scaled(Twin.values(s.size(), 22), 30f));
    Twin p = Twin.zeros(s);
    Twin d = Twin.random(s, 23);
    IntTensor[] labels = Twin.ints(new int[] {0, 10, 3, 3, 7, 1, 9, 2});
    double cpuLoss = 0;
    double clLoss = 0;
    for (var b : new io.vigil.engine.backend.Backend[] {Twin.CPU, Twin.CL}) {
      IntTensor l = b == Twin.CPU ? labels[0] : labels[1];
      b.softmax(logits.on(b), p.on(b));
      double loss = b.crossEntropySum(p.on(b), l);
      if (b == Twin.CPU) {
        cpuLoss = loss;
      } else {
        clLoss = loss;
      }
      b.softmaxCrossEntropyBackward(p.on(b), l, 1f / 7, d.on(b));
    }
    assertEquals(cpuLoss, clLoss, 1e-4 * Math.abs(cpuLoss), "cross-entropy sum");
    d.assertClose("softmax cross-entropy backward");
  }

  @Test
  void labelsOutsideTheClassesAreRefused() {
    Twin p = Twin.random(new Shape(2, 3, 1, 1), 24);
    IntTensor[] labels = Twin.ints(new int[] {1, 3});
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Twin.CL.crossEntropySum(p.cl, labels[1]));
    assertEquals("label 3 of batch row 1 is outside [0, 3)", e.getMessage());
  }

  @Test
  void tensorsOfAnotherBackendAreRefused() {
    Twin x = Twin.random(ODD, 25);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Twin.CL.axpy(1f, x.cpu, x.cl));
    assertTrue(e.getMessage().contains("is not owned by opencl("), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Twin.CL.copy(x.cl, Twin.zeros(ONE).cl));
  }

  private static float[] abs(float[] v) {
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.abs(v[i]);
    }
    return v;
  }

  private static float[] scaled(float[] v, float factor) {
    for (int i = 0; i < v.length; i++) {
      v[i] *= factor;
    }
    return v;
  }
}

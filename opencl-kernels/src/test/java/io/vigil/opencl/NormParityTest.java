package io.vigil.opencl;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.Lrn;
import io.vigil.engine.tensor.Shape;
import org.junit.jupiter.api.Test;

/** LRN and batch normalisation, forward and backward, and batch statistics equal the CPU ones. */
class NormParityTest {

  private static final Backend[] BOTH = {Twin.CPU, Twin.CL};

  @Test
  void lrnForwardAndBackwardMatch() {
    for (Lrn lrn : new Lrn[] {new Lrn(5, 1e-4f, 0.75f, 2f), new Lrn(4, 0.3f, 0.6f, 1f)}) {
      for (Shape s : new Shape[] {new Shape(2, 7, 3, 5), new Shape(1, 1, 1, 1)}) {
        Twin x = Twin.of(s, scaled(Twin.values(s.size(), 1), 3f));
        Twin y = Twin.zeros(s);
        Twin scale = Twin.zeros(s);
        Twin dy = Twin.random(s, 2);
        Twin dx = Twin.zeros(s);
        for (Backend b : BOTH) {
          b.lrnForward(x.on(b), lrn, y.on(b), scale.on(b));
          b.lrnBackward(x.on(b), y.on(b), scale.on(b), dy.on(b), lrn, dx.on(b));
        }
        y.assertClose("lrn " + lrn + " " + s);
        scale.assertClose("lrn scale " + lrn + " " + s);
        dx.assertClose("lrn backward " + lrn + " " + s);
      }
    }
  }

  /** The inference variant (scale left unwritten), AlexNet's β and another, odd sizes. */
  @Test
  void lrnValuesMatch() {
    for (Lrn lrn : new Lrn[] {new Lrn(5, 1e-4f, 0.75f, 2f), new Lrn(3, 0.2f, 0.5f, 1.5f)}) {
      for (Shape s : new Shape[] {new Shape(3, 13, 5, 7), new Shape(2, 2, 1, 3)}) {
        Twin x = Twin.of(s, scaled(Twin.values(s.size(), 4), 3f));
        Twin y = Twin.zeros(s);
        Twin scale = Twin.zeros(s);
        for (Backend b : BOTH) {
          b.lrnValues(x.on(b), lrn, y.on(b), scale.on(b));
        }
        y.assertClose("lrn values " + lrn + " " + s);
      }
    }
  }

  @Test
  void batchStatisticsNormalisationAndGradientsMatch() {
    for (Shape s :
        new Shape[] {new Shape(3, 5, 7, 11), new Shape(1, 1, 1, 1), new Shape(5, 3, 1, 1)}) {
      Shape ch = new Shape(1, s.c(), 1, 1);
      Twin x = Twin.of(s, shifted(Twin.values(s.size(), 3), 0.5f));
      Twin mean = Twin.zeros(ch);
      Twin variance = Twin.zeros(ch);
      Twin gamma = Twin.random(ch, 4);
      Twin beta = Twin.random(ch, 5);
      Twin y = Twin.zeros(s);
      Twin dy = Twin.random(s, 6);
      Twin dx = Twin.random(s, 7);
      Twin dGamma = Twin.random(ch, 8);
      Twin dBeta = Twin.random(ch, 9);
      for (Backend b : BOTH) {
        b.channelMeanVariance(x.on(b), mean.on(b), variance.on(b));
        b.batchNormForward(
            x.on(b), mean.on(b), variance.on(b), 1e-5f, gamma.on(b), beta.on(b), y.on(b));
        b.batchNormBackward(
            x.on(b),
            mean.on(b),
            variance.on(b),
            1e-5f,
            gamma.on(b),
            true,
            dy.on(b),
            dx.on(b),
            dGamma.on(b),
            dBeta.on(b));
      }
      mean.assertClose("channel mean " + s);
      variance.assertClose("channel variance " + s);
      y.assertClose("batch norm " + s);
      dx.assertClose("batch norm backward dx " + s);
      dGamma.assertClose("batch norm backward dGamma " + s);
      dBeta.assertClose("batch norm backward dBeta " + s);
    }
  }

  @Test
  void runningStatisticsGradientAndNoInputGradientMatch() {
    Shape s = new Shape(2, 3, 5, 7);
    Shape ch = new Shape(1, 3, 1, 1);
    Twin x = Twin.random(s, 10);
    Twin mean = Twin.random(ch, 11);
    Twin variance = Twin.of(ch, new float[] {0.5f, 1.5f, 0.01f});
    Twin gamma = Twin.random(ch, 12);
    Twin dy = Twin.random(s, 13);
    Twin dx = Twin.zeros(s);
    Twin dGamma = Twin.zeros(ch);
    Twin dBeta = Twin.zeros(ch);
    for (Backend b : BOTH) {
      b.batchNormBackward(
          x.on(b),
          mean.on(b),
          variance.on(b),
          1e-3f,
          gamma.on(b),
          false,
          dy.on(b),
          dx.on(b),
          dGamma.on(b),
          dBeta.on(b));
      b.batchNormBackward(
          x.on(b),
          mean.on(b),
          variance.on(b),
          1e-3f,
          gamma.on(b),
          true,
          dy.on(b),
          null,
          dGamma.on(b),
          dBeta.on(b));
    }
    dx.assertClose("batch norm backward with running statistics");
    dGamma.assertClose("dGamma accumulated twice");
    dBeta.assertClose("dBeta accumulated twice");
  }

  private static float[] scaled(float[] v, float factor) {
    for (int i = 0; i < v.length; i++) {
      v[i] *= factor;
    }
    return v;
  }

  private static float[] shifted(float[] v, float by) {
    for (int i = 0; i < v.length; i++) {
      v[i] += by;
    }
    return v;
  }
}

package io.vigil.engine.layer;

import static io.vigil.engine.layer.GradientCheckTest.check;

import io.vigil.engine.tensor.Shape;
import org.junit.jupiter.api.Test;

/**
 * Backward of the layers beyond LeNet-5's against central finite differences, with {@link
 * GradientCheckTest}'s machinery (step 1e−2, 2% relative tolerance, kink-free inputs for the
 * piecewise-linear ones, and the check that backward accumulates parameter gradients).
 */
class GradientCheckLayersTest {

  @Test
  void conv2dDilated() {
    check(Conv2dSpec.of(2, 3, 1, 2).withDilation(2), new Shape(2, 2, 6, 5), false);
  }

  @Test
  void conv2dGroupedStridedPerAxis() {
    check(new Conv2dSpec(4, 3, 2, 2, 1, 1, 0, 1, 2, 2, true), new Shape(2, 4, 5, 6), false);
  }

  @Test
  void conv2dWithoutBiasFullPadding() {
    check(Conv2dSpec.of(2, 2, 1, Padding.FULL).withoutBias(), new Shape(2, 3, 3, 3), false);
  }

  @Test
  void conv2dOneByOne() {
    check(Conv2dSpec.of(3, 1, 1, 0), new Shape(2, 4, 3, 3), false);
  }

  @Test
  void convTransposeStridedPaddedWithOutputPadding() {
    check(
        new ConvTranspose2dSpec(3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, true),
        new Shape(2, 2, 3, 3),
        false);
  }

  @Test
  void convTransposeDilatedNoBias() {
    check(
        new ConvTranspose2dSpec(2, 2, 3, 1, 2, 0, 1, 0, 0, 2, 1, false),
        new Shape(2, 3, 3, 4),
        false);
  }

  @Test
  void locallyConnected() {
    check(LocallyConnected2dSpec.of(3, 3, 2, 1), new Shape(2, 2, 5, 5), false);
  }

  @Test
  void leakyRelu() {
    check(new LeakyReluSpec(0.1f), new Shape(2, 2, 3, 3), true);
  }

  @Test
  void sigmoid() {
    check(new SigmoidSpec(), new Shape(2, 2, 3, 3), false);
  }

  @Test
  void tanh() {
    check(new TanhSpec(), new Shape(2, 2, 3, 3), false);
  }

  @Test
  void softmax() {
    check(new SoftmaxSpec(), new Shape(3, 5, 1, 1), false);
  }

  @Test
  void averagePoolOverlapping() {
    check(AvgPool2dSpec.of(3, 2), new Shape(2, 2, 5, 5), false);
  }

  @Test
  void averagePoolPadded() {
    check(new AvgPool2dSpec(3, 3, 2, 2, 1, 1), new Shape(1, 2, 5, 5), false);
  }

  @Test
  void l2PoolOverlapping() {
    check(L2Pool2dSpec.of(3, 2), new Shape(2, 2, 5, 5), false);
  }

  @Test
  void globalAveragePool() {
    check(new GlobalAvgPoolSpec(), new Shape(2, 3, 4, 3), false);
  }

  @Test
  void lrnOddWindow() {
    check(new LrnSpec(3, 0.5f, 0.75f, 1f), new Shape(2, 5, 2, 2), false);
  }

  @Test
  void lrnEvenWindowAlexNetConstants() {
    check(new LrnSpec(4, 0.3f, 0.75f, 2f), new Shape(2, 6, 2, 1), false);
    check(LrnSpec.alexNet(), new Shape(1, 7, 2, 2), false);
  }

  @Test
  void batchNormTraining() {
    check(BatchNormSpec.defaults(), new Shape(3, 2, 2, 2), false);
  }
}

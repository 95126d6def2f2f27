package io.vigil.engine.zoo;

import io.vigil.engine.layer.BatchNormSpec;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.DropoutSpec;
import io.vigil.engine.layer.FlattenSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.MaxPool2dSpec;
import io.vigil.engine.layer.ReluSpec;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.network.NetworkSpec;

/**
 * A small VGG-style network for 28×28 grayscale images such as Fashion-MNIST: VGG's stacks of 3×3
 * convolutions and 2×2 pooling, scaled down, with batch normalisation after every convolution
 * (Ioffe &amp; Szegedy) and dropout before the classifier:
 *
 * <pre>
 *   1×28×28  → [conv 3×3×32 pad 1 (no bias) → BN → ReLU] ×2 → pool 2/2 → 32×14×14
 *            → [conv 3×3×64 pad 1 (no bias) → BN → ReLU] ×2 → pool 2/2 → 64×7×7
 *            → flatten 3,136 → dropout ¼ → fc 256 → BN → ReLU → dropout ½ → fc classes
 * </pre>
 *
 * About 19 M multiply-adds and 0.87 M parameters per image: 45× LeNet-5's work, the best accuracy
 * the zoo reaches on Fashion-MNIST within a half-hour of training on two cores. Convolutions
 * followed by batch norm carry no bias: the norm's shift replaces it.
 */
public final class SmallVgg {

  /** Fashion-MNIST training-set mean and standard deviation of pixels in [0, 1]. */
  public static final InputContract INPUT = LeNet5.INPUT;

  private SmallVgg() {}

  /** The graph with {@code classes} outputs. */
  public static NetworkSpec spec(int classes) {
    GraphBuilder g = new GraphBuilder(1, 28, 28);
    int[][] blocks = {{32, 32}, {64, 64}};
    for (int b = 0; b < blocks.length; b++) {
      for (int c = 0; c < blocks[b].length; c++) {
        String suffix = (b + 1) + "_" + (c + 1);
        g.add("conv" + suffix, Conv2dSpec.of(blocks[b][c], 3, 1, 1).withoutBias());
        g.add("bn" + suffix, BatchNormSpec.defaults());
        g.add("relu" + suffix, new ReluSpec());
      }
      g.add("pool" + (b + 1), MaxPool2dSpec.of(2, 2));
    }
    g.add("flatten", new FlattenSpec());
    g.add("drop1", new DropoutSpec(0.25f));
    g.add("fc1", new LinearSpec(256));
    g.add("bn_fc1", BatchNormSpec.defaults());
    g.add("relu_fc1", new ReluSpec());
    g.add("drop2", new DropoutSpec(0.5f));
    g.add("fc2", new LinearSpec(classes));
    return g.build();
  }
}

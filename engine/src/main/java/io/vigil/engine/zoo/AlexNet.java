package io.vigil.engine.zoo;

import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.DropoutSpec;
import io.vigil.engine.layer.FlattenSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.LrnSpec;
import io.vigil.engine.layer.MaxPool2dSpec;
import io.vigil.engine.layer.ReluSpec;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.network.NetworkSpec;

/**
 * AlexNet (Krizhevsky, Sutskever &amp; Hinton, 2012) as one network: the two-GPU columns merged,
 * the layers where the columns do not talk (C2, C4, C5) as convolutions with 2 groups.
 *
 * <pre>
 *   3×227×227 → C1 11×11/4, 96 → ReLU → LRN → max 3×3/2 → 96×27×27
 *             → C2 5×5 pad 2, 256, 2 groups → ReLU → LRN → max 3×3/2 → 256×13×13
 *             → C3 3×3 pad 1, 384 → ReLU → C4 3×3 pad 1, 384, 2 groups → ReLU
 *             → C5 3×3 pad 1, 256, 2 groups → ReLU → max 3×3/2 → 256×6×6
 *             → F6 4096 → ReLU → dropout ½ → F7 4096 → ReLU → dropout ½ → F8 classes
 * </pre>
 *
 * The input is 227×227, not the 224×224 the paper states: with an 11×11 kernel at stride 4, {@code
 * (224 − 11)/4 + 1} is not an integer while {@code (227 − 11)/4 + 1 = 55} is (as the CS231n notes
 * point out). Overlapping pooling (3×3 windows at stride 2) is the paper's.
 */
public final class AlexNet {

  /** ImageNet RGB statistics averaged over channels. */
  public static final InputContract INPUT = new InputContract(3, 227, 227, 0.449f, 0.226f);

  private AlexNet() {}

  public static NetworkSpec spec(int classes) {
    GraphBuilder g = new GraphBuilder(3, 227, 227);
    g.add("conv1", Conv2dSpec.of(96, 11, 4, 0));
    g.add("relu1", new ReluSpec());
    g.add("lrn1", LrnSpec.alexNet());
    g.add("pool1", MaxPool2dSpec.of(3, 2));
    g.add("conv2", Conv2dSpec.of(256, 5, 1, 2).withGroups(2));
    g.add("relu2", new ReluSpec());
    g.add("lrn2", LrnSpec.alexNet());
    g.add("pool2", MaxPool2dSpec.of(3, 2));
    g.add("conv3", Conv2dSpec.of(384, 3, 1, 1));
    g.add("relu3", new ReluSpec());
    g.add("conv4", Conv2dSpec.of(384, 3, 1, 1).withGroups(2));
    g.add("relu4", new ReluSpec());
    g.add("conv5", Conv2dSpec.of(256, 3, 1, 1).withGroups(2));
    g.add("relu5", new ReluSpec());
    g.add("pool5", MaxPool2dSpec.of(3, 2));
    g.add("flatten", new FlattenSpec());
    g.add("fc6", new LinearSpec(4096));
    g.add("relu6", new ReluSpec());
    g.add("drop6", new DropoutSpec(0.5f));
    g.add("fc7", new LinearSpec(4096));
    g.add("relu7", new ReluSpec());
    g.add("drop7", new DropoutSpec(0.5f));
    g.add("fc8", new LinearSpec(classes));
    return g.build();
  }
}

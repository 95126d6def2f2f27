package io.vigil.engine.zoo;

import io.vigil.engine.layer.AddSpec;
import io.vigil.engine.layer.BatchNormSpec;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.FlattenSpec;
import io.vigil.engine.layer.GlobalAvgPoolSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.MaxPool2dSpec;
import io.vigil.engine.layer.ReluSpec;
import io.vigil.engine.layer.Rounding;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.network.NetworkSpec;

/**
 * ResNet-18 and ResNet-34 (He et al., 2016) with basic residual units: {@code y = ReLU(x +
 * BN(conv3×3(ReLU(BN(conv3×3(x))))))}, the shortcut a 1×1 convolution with stride 2 and batch norm
 * where the unit halves the size and doubles the channels (option B of the paper).
 *
 * <pre>
 *   3×224×224 → conv1 7×7/2, 64 → BN → ReLU → max 3×3/2 → 64×56×56
 *   → conv2_x (64) → conv3_x (128, 28×28) → conv4_x (256, 14×14) → conv5_x (512, 7×7)
 *   → global average pool → FC classes
 * </pre>
 *
 * Units per stage: 2, 2, 2, 2 (18 layers) or 3, 4, 6, 3 (34). Strided layers round down, as the
 * paper's sizes need (224 → 112 → 56).
 */
public final class ResNet {

  /** ImageNet RGB statistics averaged over channels. */
  public static final InputContract INPUT = new InputContract(3, 224, 224, 0.449f, 0.226f);

  static final int[] UNITS_18 = {2, 2, 2, 2};
  static final int[] UNITS_34 = {3, 4, 6, 3};

  private ResNet() {}

  public static NetworkSpec resnet18(int classes) {
    return spec(UNITS_18, classes);
  }

  public static NetworkSpec resnet34(int classes) {
    return spec(UNITS_34, classes);
  }

  static NetworkSpec spec(int[] units, int classes) {
    GraphBuilder g = new GraphBuilder(3, 224, 224);
    g.add("conv1", Conv2dSpec.of(64, 7, 2, 3).withoutBias().withRounding(Rounding.FLOOR));
    g.add("bn1", BatchNormSpec.defaults());
    g.add("relu1", new ReluSpec());
    g.add("pool1", MaxPool2dSpec.of(3, 2).withPadding(1).withRounding(Rounding.FLOOR));
    int channels = 64;
    for (int stage = 0; stage < units.length; stage++) {
      int filters = 64 << stage;
      for (int u = 0; u < units[stage]; u++) {
        int stride = stage > 0 && u == 0 ? 2 : 1;
        unit(g, "conv" + (stage + 2) + "_" + (u + 1), channels, filters, stride);
        channels = filters;
      }
    }
    g.add("avgpool", new GlobalAvgPoolSpec());
    g.add("flatten", new FlattenSpec());
    g.add("fc", new LinearSpec(classes));
    return g.build();
  }

  /** One basic unit reading the previous node; its last node is the final ReLU. */
  static void unit(GraphBuilder g, String p, int inChannels, int filters, int stride) {
    String in = g.last();
    g.add(p + "/conv_a", conv3x3(filters, stride), in);
    g.add(p + "/bn_a", BatchNormSpec.defaults());
    g.add(p + "/relu_a", new ReluSpec());
    g.add(p + "/conv_b", conv3x3(filters, 1));
    String residual = g.add(p + "/bn_b", BatchNormSpec.defaults());
    String shortcut = in;
    if (stride != 1 || inChannels != filters) {
      g.add(
          p + "/shortcut",
          Conv2dSpec.of(filters, 1, stride, 0).withoutBias().withRounding(Rounding.FLOOR),
          in);
      shortcut = g.add(p + "/shortcut_bn", BatchNormSpec.defaults());
    }
    g.add(p + "/add", new AddSpec(), residual, shortcut);
    g.add(p + "/relu", new ReluSpec());
  }

  private static Conv2dSpec conv3x3(int filters, int stride) {
    return Conv2dSpec.of(filters, 3, stride, 1).withoutBias().withRounding(Rounding.FLOOR);
  }
}

package io.vigil.engine.zoo;

import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.DropoutSpec;
import io.vigil.engine.layer.FlattenSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.MaxPool2dSpec;
import io.vigil.engine.layer.ReluSpec;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.network.NetworkSpec;

/**
 * VGG (Simonyan &amp; Zisserman, 2014), configurations A (11 weight layers) and D (16): stacks of
 * 3×3 convolutions (pad 1, stride 1, ReLU) separated by 2×2/2 max pooling, then FC 4096 → FC 4096 →
 * FC classes with dropout ½. 3×224×224 in; VGG-16 has 138,357,544 parameters for 1000 classes.
 */
public final class Vgg {

  /** ImageNet RGB statistics averaged over channels. */
  public static final InputContract INPUT = new InputContract(3, 224, 224, 0.449f, 0.226f);

  /** Filters per convolution; 0 marks a max pool. */
  static final int[] CONFIG_A = {64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0};

  static final int[] CONFIG_D = {
    64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0
  };

  private Vgg() {}

  public static NetworkSpec vgg11(int classes) {
    return spec(CONFIG_A, classes);
  }

  public static NetworkSpec vgg16(int classes) {
    return spec(CONFIG_D, classes);
  }

  static NetworkSpec spec(int[] config, int classes) {
    GraphBuilder g = new GraphBuilder(3, 224, 224);
    int block = 1;
    int conv = 1;
    for (int filters : config) {
      if (filters == 0) {
        g.add("pool" + block, MaxPool2dSpec.of(2, 2));
        block++;
        conv = 1;
      } else {
        g.add("conv" + block + "_" + conv, Conv2dSpec.of(filters, 3, 1, 1));
        g.add("relu" + block + "_" + conv, new ReluSpec());
        conv++;
      }
    }
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

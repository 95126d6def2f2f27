package io.vigil.engine.zoo;

import io.vigil.engine.layer.ConcatSpec;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.DropoutSpec;
import io.vigil.engine.layer.FlattenSpec;
import io.vigil.engine.layer.GlobalAvgPoolSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.LrnSpec;
import io.vigil.engine.layer.MaxPool2dSpec;
import io.vigil.engine.layer.ReluSpec;
import io.vigil.engine.layer.Rounding;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.network.NetworkSpec;

/**
 * GoogLeNet (Szegedy et al., 2014): nine Inception v1 modules, each four parallel branches — 1×1;
 * 1×1 reduction then 3×3; 1×1 reduction then 5×5; 3×3 max pool then 1×1 projection — whose outputs
 * are concatenated along channels. The auxiliary classifiers used only in training are left out.
 * 3×224×224 in. Its 3×3/2 max pools round up (as the paper's sizes need: 112 → 56 → 28 → 14 → 7).
 */
public final class GoogLeNet {

  /** ImageNet RGB statistics averaged over channels. */
  public static final InputContract INPUT = new InputContract(3, 224, 224, 0.449f, 0.226f);

  /** One module's filters: #1×1, #3×3 reduce, #3×3, #5×5 reduce, #5×5, pool proj. */
  record Inception(String name, int c1, int r3, int c3, int r5, int c5, int proj) {
    int outputs() {
      return c1 + c3 + c5 + proj;
    }
  }

  /** The modules of the paper's Table 1, in order. */
  static final Inception[] MODULES = {
    new Inception("3a", 64, 96, 128, 16, 32, 32),
    new Inception("3b", 128, 128, 192, 32, 96, 64),
    new Inception("4a", 192, 96, 208, 16, 48, 64),
    new Inception("4b", 160, 112, 224, 24, 64, 64),
    new Inception("4c", 128, 128, 256, 24, 64, 64),
    new Inception("4d", 112, 144, 288, 32, 64, 64),
    new Inception("4e", 256, 160, 320, 32, 128, 128),
    new Inception("5a", 256, 160, 320, 32, 128, 128),
    new Inception("5b", 384, 192, 384, 48, 128, 128),
  };

  private GoogLeNet() {}

  public static NetworkSpec spec(int classes) {
    GraphBuilder g = new GraphBuilder(3, 224, 224);
    g.add("conv1", Conv2dSpec.of(64, 7, 2, 3).withRounding(Rounding.FLOOR));
    g.add("relu1", new ReluSpec());
    g.add("pool1", pool());
    g.add("lrn1", LrnSpec.alexNet());
    g.add("conv2_reduce", Conv2dSpec.of(64, 1, 1, 0));
    g.add("relu2_reduce", new ReluSpec());
    g.add("conv2", Conv2dSpec.of(192, 3, 1, 1));
    g.add("relu2", new ReluSpec());
    g.add("lrn2", LrnSpec.alexNet());
    g.add("pool2", pool());
    for (Inception m : MODULES) {
      inception(g, m);
      if (m.name().equals("3b") || m.name().equals("4e")) {
        g.add("pool" + m.name().charAt(0), pool());
      }
    }
    g.add("avgpool", new GlobalAvgPoolSpec());
    g.add("dropout", new DropoutSpec(0.4f));
    g.add("flatten", new FlattenSpec());
    g.add("fc", new LinearSpec(classes));
    return g.build();
  }

  private static MaxPool2dSpec pool() {
    return MaxPool2dSpec.of(3, 2).withRounding(Rounding.CEIL);
  }

  /** Adds one module reading the previous node; its last node is the concatenation. */
  static void inception(GraphBuilder g, Inception m) {
    String in = g.last();
    String p = "inception" + m.name() + "/";
    String b1 = relu(g, p + "1x1", Conv2dSpec.of(m.c1(), 1, 1, 0), in);
    String r3 = relu(g, p + "3x3_reduce", Conv2dSpec.of(m.r3(), 1, 1, 0), in);
    String b3 = relu(g, p + "3x3", Conv2dSpec.of(m.c3(), 3, 1, 1), r3);
    String r5 = relu(g, p + "5x5_reduce", Conv2dSpec.of(m.r5(), 1, 1, 0), in);
    String b5 = relu(g, p + "5x5", Conv2dSpec.of(m.c5(), 5, 1, 2), r5);
    String pooled = g.add(p + "pool", MaxPool2dSpec.of(3, 1).withPadding(1), in);
    String bp = relu(g, p + "pool_proj", Conv2dSpec.of(m.proj(), 1, 1, 0), pooled);
    g.add(p + "output", new ConcatSpec(), b1, b3, b5, bp);
  }

  private static String relu(GraphBuilder g, String name, Conv2dSpec conv, String input) {
    g.add(name, conv, input);
    return g.add(name + "_relu", new ReluSpec(), name);
  }
}

package io.vigil.engine.zoo;

import io.vigil.engine.layer.ConnectionTableConv2dSpec;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.FlattenSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.SubsamplingSpec;
import io.vigil.engine.layer.TanhSpec;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.network.NetworkSpec;

/**
 * LeNet-5 as the source texts describe it (LeCun et al., 1998), layer by layer:
 *
 * <pre>
 *   1×32×32 → C1 conv 5×5, 6 → tanh → S2 trainable subsampling 2×2 → tanh → 6×14×14
 *           → C3 5×5 through the connection table (60 kernels), 16 → tanh → 16×10×10
 *           → S4 trainable subsampling 2×2 → tanh → 16×5×5
 *           → C5 conv 5×5, 120 → tanh → F6 84 → tanh → output 10
 * </pre>
 *
 * Trainable parameters per layer 156, 12, 1,516, 32, 48,120, 10,164 (+ 850 for the output). The
 * paper's output layer of Euclidean RBF units is a fully connected layer here, and its scaled tanh
 * ({@code 1.7159·tanh(2x/3)}) a plain tanh. The common modern variant used for speed is {@link
 * LeNet5}.
 */
public final class LeNet5Classic {

  /** 28×28 MNIST-style images padded to 32×32 by the caller; statistics of Fashion-MNIST. */
  public static final InputContract INPUT = new InputContract(1, 32, 32, 0.2860f, 0.3530f);

  private LeNet5Classic() {}

  public static NetworkSpec spec(int classes) {
    GraphBuilder g = new GraphBuilder(1, 32, 32);
    g.add("C1", Conv2dSpec.of(6, 5, 1, 0));
    g.add("C1_tanh", new TanhSpec());
    g.add("S2", new SubsamplingSpec(2));
    g.add("S2_tanh", new TanhSpec());
    g.add("C3", ConnectionTableConv2dSpec.leNetC3());
    g.add("C3_tanh", new TanhSpec());
    g.add("S4", new SubsamplingSpec(2));
    g.add("S4_tanh", new TanhSpec());
    g.add("C5", Conv2dSpec.of(120, 5, 1, 0));
    g.add("C5_tanh", new TanhSpec());
    g.add("flatten", new FlattenSpec());
    g.add("F6", new LinearSpec(84));
    g.add("F6_tanh", new TanhSpec());
    g.add("output", new LinearSpec(classes));
    return g.build();
  }
}

package io.vigil.engine.zoo;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.FlattenSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.MaxPool2dSpec;
import io.vigil.engine.layer.ReluSpec;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.network.Network;
import io.vigil.engine.network.NetworkSpec;

/**
 * The common modern LeNet-5 for 28×28 grayscale images (ReLU and max pooling instead of the
 * original sigmoid and subsampling, full C3 connectivity):
 *
 * <pre>
 *   1×28×28 → conv1 5×5×6 pad 2 → 6×28×28 → ReLU → pool 2/2 → 6×14×14
 *           → conv2 5×5×16      → 16×10×10 → ReLU → pool 2/2 → 16×5×5
 *           → flatten 400 → fc1 120 → ReLU → fc2 84 → ReLU → fc3 10 (logits)
 * </pre>
 *
 * 61,706 parameters.
 */
public final class LeNet5 {

  /** Fashion-MNIST training-set mean and standard deviation of pixels in [0, 1]. */
  public static final InputContract INPUT = new InputContract(1, 28, 28, 0.2860f, 0.3530f);

  private LeNet5() {}

  /** A freshly initialised LeNet-5 (He-normal weights from {@code seed}) on the CPU backend. */
  public static Network create(long seed) {
    return create(seed, 10);
  }

  /** The same with {@code classes} outputs instead of ten. */
  public static Network create(long seed, int classes) {
    Network network = Network.fromSpec(spec(classes), CpuBackend.shared());
    network.initialise(seed);
    return network;
  }

  /** The graph with {@code classes} outputs. */
  public static NetworkSpec spec(int classes) {
    GraphBuilder g = new GraphBuilder(1, 28, 28);
    g.add("conv1", Conv2dSpec.of(6, 5, 1, 2));
    g.add("relu1", new ReluSpec());
    g.add("pool1", MaxPool2dSpec.of(2, 2));
    g.add("conv2", Conv2dSpec.of(16, 5, 1, 0));
    g.add("relu2", new ReluSpec());
    g.add("pool2", MaxPool2dSpec.of(2, 2));
    g.add("flatten", new FlattenSpec());
    g.add("fc1", new LinearSpec(120));
    g.add("relu3", new ReluSpec());
    g.add("fc2", new LinearSpec(84));
    g.add("relu4", new ReluSpec());
    g.add("fc3", new LinearSpec(classes));
    return g.build();
  }
}

package io.vigil.pipeline.bench;

import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.FlattenSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.MaxPool2dSpec;
import io.vigil.engine.layer.ReluSpec;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.network.Network;
import java.util.ArrayList;
import java.util.List;

/** Models the benchmarks build for their cost alone. */
final class BenchModels {

  private BenchModels() {}

  /** An AlexNet-shaped network (5 conv, 3 fc) on 3×227×227, untrained: for its cost only. */
  static Model alexNetClass() {
    Network net =
        Network.builder(3, 227, 227)
            .add("conv1", Conv2dSpec.of(64, 11, 4, 0))
            .add("relu1", new ReluSpec())
            .add("pool1", MaxPool2dSpec.of(3, 2))
            .add("conv2", Conv2dSpec.of(192, 5, 1, 2))
            .add("relu2", new ReluSpec())
            .add("pool2", MaxPool2dSpec.of(3, 2))
            .add("conv3", Conv2dSpec.of(384, 3, 1, 1))
            .add("relu3", new ReluSpec())
            .add("conv4", Conv2dSpec.of(256, 3, 1, 1))
            .add("relu4", new ReluSpec())
            .add("conv5", Conv2dSpec.of(256, 3, 1, 1))
            .add("relu5", new ReluSpec())
            .add("pool5", MaxPool2dSpec.of(3, 2))
            .add("flatten", new FlattenSpec())
            .add("fc6", new LinearSpec(4096))
            .add("relu6", new ReluSpec())
            .add("fc7", new LinearSpec(4096))
            .add("relu7", new ReluSpec())
            .add("fc8", new LinearSpec(10))
            .optSeed(1)
            .build();
    List<String> classes = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      classes.add("class" + i);
    }
    return Model.create(
        "alexnet-class",
        net,
        new InputContract(3, 227, 227, 0.45f, 0.25f),
        classes,
        new Provenance("none", 0, 0, null, "2026-01-01T00:00:00Z", "pipeline bench"));
  }
}

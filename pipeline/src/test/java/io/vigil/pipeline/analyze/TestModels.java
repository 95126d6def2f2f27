package io.vigil.pipeline.analyze;

import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.zoo.LeNet5;
import java.io.IOException;
import java.nio.file.Path;

/** Models for pipeline tests: an untrained one, and the trained one shipped for the demo. */
public final class TestModels {

  /** The demo's model, relative to the pipeline module (where the tests run). */
  public static final Path SHIPPED = Path.of("../models/lenet5-fashion.vgl");

  private TestModels() {}

  /** LeNet-5 with seeded random weights: its answers mean nothing, its shapes are right. */
  public static Model untrained() {
    return Model.create(
        "untrained",
        LeNet5.create(7),
        LeNet5.INPUT,
        FashionMnist.CLASS_NAMES,
        new Provenance("none", 0, 0, null, "2026-01-01T00:00:00Z", "pipeline test"));
  }

  public static Model shipped() throws IOException {
    return ModelFile.load(SHIPPED);
  }
}

package io.vigil.pipeline.registry;

import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.layer.FlattenSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.Parameter;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.network.Network;
import io.vigil.engine.zoo.LeNet5;
import io.vigil.pipeline.analyze.TestModels;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/** Models and a clock for registry tests. */
public final class RegistryFixtures {

  private RegistryFixtures() {}

  /** The shipped LeNet-5, loaded afresh. */
  public static Model shipped() throws IOException {
    return ModelFile.load(TestModels.SHIPPED);
  }

  /**
   * A "fine-tuned" copy of the shipped model: its first weight moved by {@code step × 0.01}, so
   * each step is a new version with the shipped one as parent.
   */
  public static Model fineTuned(int step) throws IOException {
    Model parent = shipped();
    Network network = parent.network();
    Parameter first = network.parameters().get(0);
    float[] weight = new float[1];
    network.backend().download(first.value(), 0, weight, 0, 1);
    weight[0] += 0.01f * step;
    network.backend().upload(weight, 0, first.value(), 0, 1);
    return Model.create(
        parent.name(),
        network,
        parent.input(),
        parent.classNames(),
        new Provenance(
            "fashion-mnist inverted", 2, 0.85, parent.version(), "2026-12-07T10:00:00Z", "step"));
  }

  /** The shipped model with its first weight NaN: it loads, but its outputs are not finite. */
  public static Model poisoned() throws IOException {
    Model parent = shipped();
    Network network = parent.network();
    network.backend().upload(new float[] {Float.NaN}, 0, network.parameters().get(0).value(), 0, 1);
    return Model.create(
        "poisoned", network, parent.input(), parent.classNames(), parent.provenance());
  }

  /** A one-layer model of the given input and classes (its weights are random). */
  public static Model tiny(String name, InputContract input, List<String> classes) {
    Network network =
        Network.builder(input.channels(), input.height(), input.width())
            .add("flatten", new FlattenSpec())
            .add("fc", new LinearSpec(classes.size()))
            .optSeed(3)
            .build();
    return Model.create(
        name,
        network,
        input,
        classes,
        new Provenance("none", 0, 0, null, "2026-12-07T10:00:00Z", "registry test"));
  }

  /** A tiny model that fits the shipped one's slot: LeNet-5's input, Fashion-MNIST's classes. */
  public static Model tinyFitting() {
    return tiny("tiny", LeNet5.INPUT, FashionMnist.CLASS_NAMES);
  }

  static VersionMetadata metadata(String parent, double accuracy) {
    return new VersionMetadata(
        parent, "6000 inverted frames", Map.of("accuracy", accuracy), "fine-tuned");
  }

  /** A clock that moves one second on at every reading, from 2026-12-07T10:00:00Z. */
  public static Clock stepping() {
    return new Clock() {
      private Instant next = Instant.parse("2026-12-07T10:00:00Z");

      @Override
      public Instant instant() {
        Instant now = next;
        next = next.plusSeconds(1);
        return now;
      }

      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a test clock stays in UTC");
      }
    };
  }
}

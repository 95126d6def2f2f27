package io.vigil.engine.model;

import io.vigil.engine.network.Network;
import io.vigil.engine.tensor.Shape;
import java.util.List;
import java.util.Objects;

/**
 * A trained network with what it takes to use it: the input contract, class names, provenance and a
 * version that identifies the graph and weights ({@code name-} + 12 hex digits of a SHA-256, so
 * identical weights give the same version). The version is taken at creation: do not train the
 * network further once it is a model.
 */
public final class Model {

  private final String name;
  private final String version;
  private final Network network;
  private final InputContract input;
  private final List<String> classNames;
  private final Provenance provenance;

  private Model(
      String name,
      String version,
      Network network,
      InputContract input,
      List<String> classNames,
      Provenance provenance) {
    this.name = name;
    this.version = version;
    this.network = network;
    this.input = input;
    this.classNames = classNames;
    this.provenance = provenance;
  }

  /**
   * Checks that {@code network} takes {@code input.channels() × height × width} images and gives
   * one output per class name, and computes the version.
   */
  public static Model create(
      String name,
      Network network,
      InputContract input,
      List<String> classNames,
      Provenance provenance) {
    Objects.requireNonNull(name, "model name");
    Objects.requireNonNull(network, "network of model " + name);
    Objects.requireNonNull(input, "input contract of model " + name);
    Objects.requireNonNull(provenance, "provenance of model " + name);
    if (name.isBlank() || !name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException(
          "model name must be letters, digits, '.', '_' or '-', got '" + name + "'");
    }
    List<String> classes = List.copyOf(classNames);
    Shape in = network.inputShape();
    if (in.c() != input.channels() || in.h() != input.height() || in.w() != input.width()) {
      throw new IllegalArgumentException(
          "model "
              + name
              + ": network takes "
              + in.c()
              + "×"
              + in.h()
              + "×"
              + in.w()
              + " images but the input contract says "
              + input.channels()
              + "×"
              + input.height()
              + "×"
              + input.width());
    }
    int outputs = network.outputShape().perImage();
    if (outputs != classes.size()) {
      throw new IllegalArgumentException(
          "model "
              + name
              + ": network has "
              + outputs
              + " outputs but "
              + classes.size()
              + " class names were given");
    }
    String version =
        ModelJson.version(
            name, ModelJson.graphJson(network.spec()), ModelJson.weightBytes(network));
    return new Model(name, version, network, input, classes, provenance);
  }

  public String name() {
    return name;
  }

  public String version() {
    return version;
  }

  public InputContract input() {
    return input;
  }

  public List<String> classNames() {
    return classNames;
  }

  public Provenance provenance() {
    return provenance;
  }

  public Network network() {
    return network;
  }

  /** A predictor for batches of up to {@code maxBatch} images; one per worker thread. */
  public Predictor newPredictor(int maxBatch) {
    return new Predictor(this, maxBatch);
  }

  @Override
  public String toString() {
    return "Model[" + version + ", " + classNames.size() + " classes]";
  }
}

package io.vigil.engine.model;

import io.vigil.engine.network.Network;
import io.vigil.engine.tensor.Shape;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A trained network with what it takes to use it: the input contract, class names, provenance and a
 * version that identifies the graph and weights ({@code name-} + 12 hex digits of a SHA-256, so
 * identical weights give the same version). The version is taken at creation: do not train the
 * network further once it is a model.
 *
 * <p><b>Ownership.</b> A model owns its network ({@link #create} takes it): {@link #close} is the
 * owner letting go, and frees the network's parameters once no {@link #hold} is left. A {@link
 * Predictor} holds its model while it is open, and a fine-tune holds its base while it reads it; so
 * the registry can close a model it swapped out while the pipeline's last batches still run on it,
 * and the weights go when the last of them closes. Models made over a network another model owns
 * (evaluation snapshots during training) are simply never closed.
 */
public final class Model implements AutoCloseable {

  /** Closes a {@link #hold}; no checked exception. */
  public interface Hold extends AutoCloseable {
    @Override
    void close();
  }

  private final String name;
  private final String version;
  private final Network network;
  private final InputContract input;
  private final List<String> classNames;
  private final Provenance provenance;

  /** The owner's hold (until {@link #close}) plus one per open {@link #hold}. */
  private final AtomicInteger holds = new AtomicInteger(1);

  private final AtomicBoolean ownerLetGo = new AtomicBoolean();

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

  /**
   * Keeps the weights alive until the returned hold is closed, even if the model is closed first.
   *
   * @throws IllegalStateException when the model is closed and no hold is left (its weights are
   *     freed)
   */
  public Hold hold() {
    int n;
    do {
      n = holds.get();
      if (n == 0) {
        throw new IllegalStateException("model " + version + " is closed: its weights were freed");
      }
    } while (!holds.compareAndSet(n, n + 1));
    AtomicBoolean released = new AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        letGo();
      }
    };
  }

  /**
   * The owner lets go: frees the network now, or when the last {@link #hold} closes. Idempotent.
   */
  @Override
  public void close() {
    if (ownerLetGo.compareAndSet(false, true)) {
      letGo();
    }
  }

  /** Whether the weights are freed: closed, and no hold left. */
  public boolean isClosed() {
    return holds.get() == 0;
  }

  private void letGo() {
    if (holds.decrementAndGet() == 0) {
      network.close();
    }
  }

  @Override
  public String toString() {
    return "Model[" + version + ", " + classNames.size() + " classes]";
  }
}

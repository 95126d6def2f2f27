package io.vigil.pipeline.stream;

import io.vigil.engine.layer.FlattenSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.network.Network;
import io.vigil.pipeline.frame.FrameClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Models and classifiers for hot-swap tests: tiny real {@link Model}s (a version each), and a
 * loader that builds a {@link ScriptedClassifier} for each model swapped in and counts them.
 */
public final class SwapFakes {

  /** The classes of {@link ScriptedClassifier}. */
  public static final List<String> CLASSES = List.of("zero", "one");

  /** A small input, so that trial batches cost nothing. */
  public static final InputContract TINY = new InputContract(1, 2, 2, 0.5f, 0.5f);

  private SwapFakes() {}

  /** A model of {@link #TINY} input and {@link #CLASSES}; {@code seed} sets its version. */
  public static Model model(String name, long seed) {
    return model(name, seed, TINY, CLASSES);
  }

  /** A one-layer model of {@code input} with {@code classes}; {@code seed} sets its version. */
  public static Model model(String name, long seed, InputContract input, List<String> classes) {
    Network net =
        Network.builder(input.channels(), input.height(), input.width())
            .add("flatten", new FlattenSpec())
            .add("fc", new LinearSpec(classes.size()))
            .optSeed(seed)
            .build();
    return Model.create(
        name,
        net,
        input,
        classes,
        new Provenance("none", 0, 0, null, "2026-01-01T00:00:00Z", "test"));
  }

  /**
   * Builds a {@link ScriptedClassifier} of the model's version for every model swapped in, all
   * writing to one log (as {@code #0}, {@code #1}, … in the order built; each one's batch 0 is its
   * trial batch), and keeps them to count what was opened and closed.
   */
  public static final class Loader implements Function<Model, FrameClassifier> {
    private final int maxInFlight;
    private final List<String> log;
    private final List<ScriptedClassifier> built = new ArrayList<>();

    public Loader(int maxInFlight, List<String> log) {
      this.maxInFlight = maxInFlight;
      this.log = log;
    }

    @Override
    public synchronized FrameClassifier apply(Model model) {
      ScriptedClassifier c =
          new ScriptedClassifier(model.version(), maxInFlight, log).loggingAs("#" + built.size());
      built.add(c);
      return c;
    }

    /** The classifiers built so far, in order. */
    public synchronized List<ScriptedClassifier> built() {
      return List.copyOf(built);
    }

    /** Of those, the ones not yet closed. */
    public synchronized long open() {
      return built.stream().filter(c -> c.closes() == 0).count();
    }
  }
}

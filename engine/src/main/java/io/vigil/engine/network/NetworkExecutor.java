package io.vigil.engine.network;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.Normalisation;
import io.vigil.engine.layer.BatchNorm;
import io.vigil.engine.layer.ElementwiseActivation;
import io.vigil.engine.layer.FusesEpilogue;
import io.vigil.engine.layer.Layer;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import io.vigil.engine.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The per-thread state of running a {@link Network}: one activation tensor per node (and one
 * gradient tensor per node when training), and each layer's scratch, all sized for {@code maxBatch}
 * images when created and reused for every batch of that size or smaller. Not thread-safe.
 *
 * <p>Forward runs the nodes in the spec's (topological) order; backward runs them in reverse. A
 * node read by several nodes (or twice by one) gets the sum of their gradients: the first consumer
 * in reverse order writes the node's gradient, later ones write a spare buffer that is then added
 * in. Nodes whose output reaches no loss (dead branches) are skipped by backward.
 *
 * <p>An executor without gradients leaves out what {@link InferenceFusion} says: at inference a
 * producer applies the batch norm and activation folded into it on its way out, and those nodes,
 * which share the producer's buffer, are not run; a flatten (or an unshared dropout) is not run
 * either, its output a view of its input. A training-mode forward on such an executor runs those
 * nodes in place instead; the values are the same either way.
 *
 * <p>The executor owns its activations, gradients, spare buffers and the layers' scratch, and
 * {@link #close} frees them; the network's parameters stay the network's.
 */
public final class NetworkExecutor implements AutoCloseable {

  private final Network network;
  private final int maxBatch;
  private final Tensor[] activations;
  private final Tensor[] gradients;
  private final Layer.Scratch[] scratch;
  private final Tensor[] activationViews;
  private final Tensor[] gradientViews;

  /** For input slot k of node i: null if its gradient goes straight to the producer's. */
  private final Tensor[][] spare;

  private final Tensor[][] spareViews;
  private final boolean[] reachesOutput;

  /** {@code foldedInto[i]}: the node that applies node i's work at inference, or −1. */
  private final int[] foldedInto;

  /** The batch norm that node i applies for a later node at inference, or null. */
  private final Normalisation[] appliedNorm;

  /** {@code viewOf[i]}: the node whose output node i's output is a view of, or −1. */
  private final int[] viewOf;

  /** The activation that node i applies for a later node at inference, or null. */
  private final ElementwiseActivation[] appliedActivation;

  /** Every buffer this executor allocated. */
  private final TensorScope owned = new TensorScope();

  private final List<List<Tensor>> inputLists = new ArrayList<>();
  private final List<List<Tensor>> inputGradLists = new ArrayList<>();
  private Tensor input;
  private int batch = -1;

  NetworkExecutor(Network network, int maxBatch, boolean withGradients, long seed) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("executor: maxBatch must be ≥ 1, got " + maxBatch);
    }
    this.network = network;
    this.maxBatch = maxBatch;
    Backend backend = network.backend();
    List<Layer> layers = network.layers();
    int count = layers.size();
    activations = new Tensor[count];
    gradients = withGradients ? new Tensor[count] : null;
    scratch = new Layer.Scratch[count];
    activationViews = new Tensor[count];
    gradientViews = new Tensor[count];
    spare = new Tensor[count][];
    spareViews = new Tensor[count][];
    reachesOutput = new boolean[count];
    // Training runs every node with its own buffer: nothing folded, nothing a view.
    int[] none = new int[count];
    Arrays.fill(none, -1);
    foldedInto = withGradients ? none : InferenceFusion.foldedInto(network.spec());
    viewOf = withGradients ? none : InferenceFusion.views(network.spec());
    appliedNorm = new Normalisation[count];
    appliedActivation = new ElementwiseActivation[count];
    try {
      allocate(backend, layers, withGradients, seed);
    } catch (RuntimeException | Error e) {
      // A refused allocation leaves nothing behind.
      owned.close();
      throw e;
    }
  }

  private void allocate(Backend backend, List<Layer> layers, boolean withGradients, long seed) {
    int count = layers.size();
    for (int i = 0; i < count; i++) {
      Layer layer = layers.get(i);
      Shape out = layer.outputShape().withBatch(maxBatch);
      int into = foldedInto[i];
      if (into >= 0) {
        // The layers' types are what InferenceFusion checked on their specs.
        if (layer instanceof BatchNorm norm) {
          appliedNorm[into] = norm.inference();
        } else {
          appliedActivation[into] = (ElementwiseActivation) layer;
        }
        activations[i] = activations[into];
      } else if (viewOf[i] >= 0) {
        activations[i] = activations[viewOf[i]].view(out);
      } else {
        activations[i] = owned.add(backend.allocate(out));
      }
      if (withGradients) {
        gradients[i] = owned.add(backend.allocate(out));
      }
      scratch[i] = owned.add(layer.newScratch(maxBatch, seed * 1_000_003L + i));
    }
    // Which gradient writes must accumulate, found by walking backward as backward() will.
    boolean[] written = new boolean[count];
    reachesOutput[count - 1] = true;
    for (int i = count - 1; i >= 0; i--) {
      int[] from = network.inputIndices(i);
      spare[i] = new Tensor[from.length];
      spareViews[i] = new Tensor[from.length];
      if (!reachesOutput[i]) {
        continue;
      }
      for (int k = 0; k < from.length; k++) {
        int j = from[k];
        if (j < 0) {
          continue;
        }
        reachesOutput[j] = true;
        if (written[j] && withGradients) {
          spare[i][k] = owned.add(backend.allocate(activations[j].shape()));
        }
        written[j] = true;
      }
    }
  }

  public int maxBatch() {
    return maxBatch;
  }

  /** Frees every buffer the executor allocated; later passes fail naming a closed tensor. */
  @Override
  public void close() {
    owned.close();
  }

  public Network network() {
    return network;
  }

  /**
   * Runs every layer on {@code input} ({@code n × C × H × W}, {@code n ≤ maxBatch}); returns the
   * output logits, a view valid until the next call.
   */
  public Tensor forward(Tensor input, boolean training) {
    bind(input);
    int count = network.layers().size();
    for (int i = 0; i < count; i++) {
      runNode(i, training);
    }
    return activationViews[count - 1];
  }

  /**
   * An inference {@link #forward} that adds each node's wall time to {@code nanosPerNode[i]}: a
   * profile of where a forward pass goes, for benchmarks. Nodes folded into their producer or run
   * as views take no time of their own. On the CPU backend a node's work is done when it returns;
   * on a device backend the times are those of enqueueing. A separate method so that {@link
   * #forward} reads no clock.
   */
  public Tensor forwardTimed(Tensor input, long[] nanosPerNode) {
    int count = network.layers().size();
    if (nanosPerNode.length != count) {
      throw new IllegalArgumentException(
          "forwardTimed: one time per node wanted ("
              + count
              + "), got an array of "
              + nanosPerNode.length);
    }
    bind(input);
    for (int i = 0; i < count; i++) {
      if (notRun(i, false)) {
        continue;
      }
      long start = System.nanoTime();
      runNode(i, false);
      nanosPerNode[i] += System.nanoTime() - start;
    }
    return activationViews[count - 1];
  }

  /** Checks {@code input}'s shape and points the first nodes' input lists at it. */
  private void bind(Tensor input) {
    Shape s = input.shape();
    if (s.perImage() != network.inputShape().perImage() || s.n() < 1 || s.n() > maxBatch) {
      throw new IllegalArgumentException(
          "network input must be n×"
              + network.inputShape().c()
              + "×"
              + network.inputShape().h()
              + "×"
              + network.inputShape().w()
              + " with 1 ≤ n ≤ "
              + maxBatch
              + ", got "
              + s);
    }
    boolean rebuilt = useBatch(s.n());
    if (rebuilt || this.input != input) {
      this.input = input;
      for (int i = 0; i < activations.length; i++) {
        int[] from = network.inputIndices(i);
        List<Tensor> ins = inputLists.get(i);
        for (int k = 0; k < from.length; k++) {
          ins.set(k, from[k] < 0 ? input : activationViews[from[k]]);
        }
      }
    }
  }

  /**
   * Whether node {@code i} is left out of an inference pass: folded into its producer or a view.
   */
  private boolean notRun(int i, boolean training) {
    return !training && (foldedInto[i] >= 0 || viewOf[i] >= 0);
  }

  /** Runs node {@code i} forward, unless at inference it is folded into its producer or a view. */
  private void runNode(int i, boolean training) {
    if (notRun(i, training)) {
      return;
    }
    List<Tensor> ins = inputLists.get(i);
    Layer layer = network.layers().get(i);
    ElementwiseActivation activation = training ? null : appliedActivation[i];
    Normalisation norm = training ? null : appliedNorm[i];
    if (activation != null || norm != null) {
      ((FusesEpilogue) layer)
          .forwardInference(
              ins.get(0),
              activationViews[i],
              scratch[i],
              norm,
              activation == null ? null : activation.kind(),
              activation == null ? 0f : activation.alpha());
    } else if (ins.size() == 1) {
      layer.forward(ins.get(0), activationViews[i], scratch[i], training);
    } else {
      layer.forward(ins, activationViews[i], scratch[i], training);
    }
  }

  /**
   * Back-propagates {@code dOutput} (gradient of the loss w.r.t. the last forward's output) and
   * adds every parameter's gradient. The gradient of the network input is not computed.
   */
  public void backward(Tensor dOutput) {
    if (gradients == null) {
      throw new IllegalStateException("this executor was created without gradients");
    }
    if (input == null) {
      throw new IllegalStateException("backward called before forward");
    }
    List<Layer> layers = network.layers();
    int last = layers.size() - 1;
    if (dOutput.size() != activationViews[last].size()) {
      throw new IllegalArgumentException(
          "output gradient "
              + dOutput.shape()
              + " does not match output "
              + activationViews[last].shape());
    }
    Backend backend = network.backend();
    for (int i = last; i >= 0; i--) {
      if (!reachesOutput[i]) {
        continue;
      }
      Tensor dOut = i == last ? dOutput : gradientViews[i];
      int[] from = network.inputIndices(i);
      List<Tensor> ins = inputLists.get(i);
      List<Tensor> dIns = inputGradLists.get(i);
      if (from.length == 1) {
        layers.get(i).backward(ins.get(0), activationViews[i], dOut, dIns.get(0), scratch[i]);
      } else {
        layers.get(i).backward(ins, activationViews[i], dOut, dIns, scratch[i]);
      }
      for (int k = 0; k < from.length; k++) {
        if (spareViews[i][k] != null) {
          backend.axpy(1f, spareViews[i][k], gradientViews[from[k]]);
        }
      }
    }
  }

  /** Views of the first {@code n} images; rebuilt only when the batch size changes. */
  private boolean useBatch(int n) {
    if (n == batch) {
      return false;
    }
    inputLists.clear();
    inputGradLists.clear();
    for (int i = 0; i < activations.length; i++) {
      activationViews[i] = activations[i].firstImages(n);
      if (gradients != null) {
        gradientViews[i] = gradients[i].firstImages(n);
      }
    }
    for (int i = 0; i < activations.length; i++) {
      int[] from = network.inputIndices(i);
      inputLists.add(Arrays.asList(new Tensor[from.length]));
      Tensor[] dIns = new Tensor[from.length];
      for (int k = 0; k < from.length; k++) {
        spareViews[i][k] = spare[i][k] == null ? null : spare[i][k].firstImages(n);
        if (gradients != null && from[k] >= 0) {
          dIns[k] = spareViews[i][k] != null ? spareViews[i][k] : gradientViews[from[k]];
        }
      }
      inputGradLists.add(Arrays.asList(dIns));
    }
    batch = n;
    return true;
  }
}

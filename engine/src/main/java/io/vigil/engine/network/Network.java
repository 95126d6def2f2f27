package io.vigil.engine.network;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.layer.Layer;
import io.vigil.engine.layer.LayerSpec;
import io.vigil.engine.layer.Parameter;
import io.vigil.engine.layer.StateTensor;
import io.vigil.engine.summary.MemoryFootprint;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import io.vigil.engine.tensor.TensorScope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * A DAG of named layers on one backend, with its parameters and their gradients. Built with {@link
 * #builder} or from a {@link NetworkSpec} (model files). Input is {@code n × C × H × W}, output
 * {@code n × classes × 1 × 1} logits.
 *
 * <p>{@link #forward}/{@link #backward} use one built-in {@link NetworkExecutor} (for training; not
 * thread-safe). Inference on several threads uses one {@link #newExecutor} per thread; they share
 * the parameters, which must then not be trained at the same time.
 *
 * <p>The network owns its layers' parameters, gradients and state, and its built-in executor;
 * {@link #close} frees them. Executors from {@link #newExecutor} belong to whoever asked for them,
 * and must be closed before (or with) the network: they read its parameters.
 */
public final class Network implements AutoCloseable {

  private final NetworkSpec spec;
  private final Backend backend;
  private final List<Layer> layers;
  private final List<int[]> inputIndex;
  private final List<Parameter> parameters;
  private final List<StateTensor> state;
  private final Shape outputShape;
  private long seed;
  private NetworkExecutor trainingExecutor;

  private Network(NetworkSpec spec, Backend backend) {
    this.spec = spec;
    this.backend = Objects.requireNonNull(backend, "backend");
    MemoryFootprint.of(spec).checkParameters(backend);
    Map<String, Integer> index = new HashMap<>();
    Map<String, Shape> shapes = new HashMap<>();
    shapes.put(NetworkSpec.INPUT, spec.inputShape());
    index.put(NetworkSpec.INPUT, -1);
    List<Layer> built = new ArrayList<>();
    List<int[]> inputs = new ArrayList<>();
    List<Parameter> params = new ArrayList<>();
    List<StateTensor> states = new ArrayList<>();
    Shape last = null;
    for (NodeSpec node : spec.nodes()) {
      List<Shape> in = node.inputs().stream().map(shapes::get).toList();
      Layer layer;
      try {
        layer = node.layer().create(node.name(), in, backend);
      } catch (RuntimeException | Error e) {
        // A network refused part-way (a bad shape, no memory left) leaves nothing allocated.
        built.forEach(Layer::close);
        throw e;
      }
      last = layer.outputShape();
      shapes.put(node.name(), last);
      index.put(node.name(), built.size());
      inputs.add(node.inputs().stream().mapToInt(index::get).toArray());
      built.add(layer);
      params.addAll(layer.parameters());
      states.addAll(layer.state());
    }
    this.layers = List.copyOf(built);
    this.inputIndex = List.copyOf(inputs);
    this.parameters = List.copyOf(params);
    this.state = List.copyOf(states);
    this.outputShape = last;
  }

  /** A network with zero parameters for {@code spec} (values come from a model file). */
  public static Network fromSpec(NetworkSpec spec, Backend backend) {
    return new Network(spec, backend);
  }

  /** Starts a network whose images are {@code channels × height × width}. */
  public static Builder builder(int channels, int height, int width) {
    return new Builder(channels, height, width);
  }

  public NetworkSpec spec() {
    return spec;
  }

  public Backend backend() {
    return backend;
  }

  /** Layers in execution order. */
  public List<Layer> layers() {
    return layers;
  }

  /**
   * Indices in {@link #layers()} of the layers that feed layer {@code i}, in the order it reads
   * them; −1 stands for the network input. A copy.
   */
  public int[] inputsOf(int i) {
    return inputIndex.get(i).clone();
  }

  int[] inputIndices(int i) {
    return inputIndex.get(i);
  }

  /** All parameters, layer by layer, in a fixed order. */
  public List<Parameter> parameters() {
    return parameters;
  }

  /**
   * Non-trainable state saved with the model (batch normalisation's running statistics), layer by
   * layer, in a fixed order; not in {@link #parameters()}, so optimizers never touch it.
   */
  public List<StateTensor> state() {
    return state;
  }

  /**
   * What a model file stores, in order: every parameter's value (named as the parameter), then
   * every state tensor. For networks without state this is exactly the parameters, so files written
   * before state existed read unchanged.
   */
  public List<StateTensor> savedTensors() {
    List<StateTensor> all = new ArrayList<>(parameters.size() + state.size());
    for (Parameter p : parameters) {
      all.add(new StateTensor(p.name(), p.value()));
    }
    all.addAll(state);
    return all;
  }

  /** Per-image input shape. */
  public Shape inputShape() {
    return spec.inputShape();
  }

  /** Per-image output shape ({@code classes × 1 × 1}). */
  public Shape outputShape() {
    return outputShape;
  }

  /** The seed executors draw their randomness from by default (dropout masks). */
  public long seed() {
    return seed;
  }

  /** Draws every parameter afresh from {@code seed} (He-normal weights, zero biases). */
  public void initialise(long seed) {
    this.seed = seed;
    Random random = new Random(seed);
    for (Layer layer : layers) {
      layer.initialise(random);
    }
  }

  /** Sets every gradient to zero; one not yet allocated is zero already and stays unallocated. */
  public void zeroGradients() {
    for (Parameter p : parameters) {
      if (p.hasGrad()) {
        backend.fill(p.grad(), 0f);
      }
    }
  }

  /**
   * An executor with buffers for up to {@code maxBatch} images; gradients only if asked. Its random
   * draws (dropout masks) are seeded from the seed of the last {@link #initialise}. A backend that
   * cannot hold those buffers refuses the executor before allocating any ({@link
   * Backend#checkFits}).
   */
  public NetworkExecutor newExecutor(int maxBatch, boolean withGradients) {
    return newExecutor(maxBatch, withGradients, seed);
  }

  /** As {@link #newExecutor(int, boolean)}, with its random draws seeded from {@code seed}. */
  public NetworkExecutor newExecutor(int maxBatch, boolean withGradients, long seed) {
    if (maxBatch >= 1) {
      MemoryFootprint.of(spec).checkExecutor(backend, maxBatch, withGradients);
    }
    return new NetworkExecutor(this, maxBatch, withGradients, seed);
  }

  /** Forward pass with the built-in executor; the result is valid until the next call. */
  public Tensor forward(Tensor input, boolean training) {
    int n = input.shape().n();
    if (trainingExecutor == null || trainingExecutor.maxBatch() < n) {
      if (trainingExecutor != null) {
        trainingExecutor.close();
      }
      trainingExecutor = newExecutor(n, true);
    }
    return trainingExecutor.forward(input, training);
  }

  /** Backward pass of the last {@link #forward}: adds parameter gradients. */
  public void backward(Tensor dOutput) {
    if (trainingExecutor == null) {
      throw new IllegalStateException("backward called before forward");
    }
    trainingExecutor.backward(dOutput);
  }

  /**
   * Frees the parameters, gradients and state of every layer, and the built-in executor.
   * Idempotent; a pass afterwards fails naming a closed tensor.
   */
  @Override
  public void close() {
    try (TensorScope all = new TensorScope()) {
      if (trainingExecutor != null) {
        all.add(trainingExecutor);
      }
      for (Layer layer : layers) {
        all.add(layer::close);
      }
    }
  }

  /**
   * Builds a network node by node. {@code add(name, spec)} reads the previous node (or the input);
   * {@code add(name, spec, inputs...)} reads the named nodes ({@link NetworkSpec#INPUT} for the
   * network input), which makes branches, concatenations and residual additions. The optional
   * {@code optBackend} and {@code optSeed} default to the shared CPU backend and 0.
   */
  public static final class Builder {
    private final int channels;
    private final int height;
    private final int width;
    private final List<NodeSpec> nodes = new ArrayList<>();
    private Backend backend;
    private long seed;

    private Builder(int channels, int height, int width) {
      this.channels = channels;
      this.height = height;
      this.width = width;
    }

    public Builder add(String name, LayerSpec layer) {
      String previous = nodes.isEmpty() ? NetworkSpec.INPUT : nodes.get(nodes.size() - 1).name();
      return add(name, layer, previous);
    }

    public Builder add(String name, LayerSpec layer, String input) {
      nodes.add(new NodeSpec(name, layer, List.of(input)));
      return this;
    }

    /** A node reading the named nodes, in order (e.g. the branches of a concatenation). */
    public Builder add(String name, LayerSpec layer, String... inputs) {
      nodes.add(new NodeSpec(name, layer, List.of(inputs)));
      return this;
    }

    public Builder optBackend(Backend backend) {
      this.backend = backend;
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Checks every shape and draws the initial parameters. */
    public Network build() {
      Network network =
          new Network(
              new NetworkSpec(channels, height, width, nodes),
              backend != null ? backend : CpuBackend.shared());
      network.initialise(seed);
      return network;
    }
  }
}

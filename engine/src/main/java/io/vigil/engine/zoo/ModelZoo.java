package io.vigil.engine.zoo;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.network.Network;
import io.vigil.engine.network.NetworkSpec;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * The networks vigil can build by name ({@code vigil train --model NAME}, {@code vigil model
 * summary NAME}): each with the input it expects and its graph for a given number of classes.
 */
public final class ModelZoo {

  /** One network the zoo can build. */
  public record Entry(
      String name, String description, InputContract input, IntFunction<NetworkSpec> graph) {

    /** The graph with {@code classes} outputs; nothing is allocated. */
    public NetworkSpec spec(int classes) {
      return graph.apply(classes);
    }

    /** A freshly initialised network (He-normal weights from {@code seed}) on the CPU backend. */
    public Network create(long seed, int classes) {
      return create(seed, classes, CpuBackend.shared());
    }

    /** The same on {@code backend}. */
    public Network create(long seed, int classes, Backend backend) {
      Network network = Network.fromSpec(spec(classes), backend);
      network.initialise(seed);
      return network;
    }
  }

  private static final Map<String, Entry> ENTRIES = new TreeMap<>();

  static {
    register("lenet5", "LeNet-5, modern variant (ReLU, max pooling)", LeNet5.INPUT, LeNet5::spec);
    register(
        "lenet5-classic",
        "LeNet-5 as in 1998 (C3 connection table, trainable subsampling, tanh)",
        LeNet5Classic.INPUT,
        LeNet5Classic::spec);
    register("alexnet", "AlexNet, two-GPU columns as 2 groups", AlexNet.INPUT, AlexNet::spec);
    register(
        "vgg-small",
        "Small VGG-style net with batch norm and dropout for 28x28 gray images",
        SmallVgg.INPUT,
        SmallVgg::spec);
    register("vgg11", "VGG configuration A (11 weight layers)", Vgg.INPUT, Vgg::vgg11);
    register("vgg16", "VGG configuration D (16 weight layers)", Vgg.INPUT, Vgg::vgg16);
    register("googlenet", "GoogLeNet, Inception v1 modules", GoogLeNet.INPUT, GoogLeNet::spec);
    register("resnet18", "ResNet-18, basic residual units", ResNet.INPUT, ResNet::resnet18);
    register("resnet34", "ResNet-34, basic residual units", ResNet.INPUT, ResNet::resnet34);
  }

  private ModelZoo() {}

  private static void register(
      String name, String description, InputContract input, IntFunction<NetworkSpec> graph) {
    ENTRIES.put(
        name,
        new Entry(
            name,
            description + ", " + input.channels() + "×" + input.height() + "×" + input.width(),
            input,
            graph));
  }

  /** Every entry, by name. */
  public static List<Entry> entries() {
    return List.copyOf(ENTRIES.values());
  }

  /** The entry called {@code name}; an unknown name fails with the list of known ones. */
  public static Entry get(String name) {
    Entry entry = ENTRIES.get(name);
    if (entry == null) {
      throw new IllegalArgumentException(
          "no network called '" + name + "' in the model zoo (known: " + ENTRIES.keySet() + ")");
    }
    return entry;
  }

  /** Whether {@code name} is a zoo entry (rather than, say, a model file). */
  public static boolean contains(String name) {
    return ENTRIES.containsKey(name);
  }
}

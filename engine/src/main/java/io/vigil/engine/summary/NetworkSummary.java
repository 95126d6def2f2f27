package io.vigil.engine.summary;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.layer.BatchNormSpec;
import io.vigil.engine.layer.ConnectionTableConv2dSpec;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.ConvTranspose2dSpec;
import io.vigil.engine.layer.LayerSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.LocallyConnected2dSpec;
import io.vigil.engine.layer.SubsamplingSpec;
import io.vigil.engine.network.NetworkSpec;
import io.vigil.engine.network.NodeSpec;
import io.vigil.engine.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The memory and cost of a network for one image, layer by layer, computed from its spec alone
 * (nothing is allocated, so a 138M-parameter network costs nothing to describe), in the manner of
 * the CS231n notes' VGG-16 table:
 *
 * <ul>
 *   <li>activations: floats in the layer's output ({@code C × H × W});
 *   <li>parameters: learned weights and biases; batch norm's running statistics are counted apart
 *       as state;
 *   <li>multiply-adds: of convolutions, transposed and locally-connected convolutions and fully
 *       connected layers ({@code H_out·W_out·K·(C/groups)·F_h·F_w} for a convolution); the
 *       elementwise work of other layers is left out, as the papers' tables do. FLOPs are twice
 *       this.
 * </ul>
 */
public record NetworkSummary(Shape input, List<Row> rows) {

  /**
   * One layer's line. {@code connections} counts, as LeCun's LeNet-5 paper and the textbook do,
   * every weight use including biases: {@code H'·W'·(parameters)} for a convolution (each output
   * position uses every weight of its map), the parameters for a fully connected layer.
   */
  public record Row(
      String name,
      String type,
      Shape output,
      long activations,
      long parameters,
      long state,
      long multiplyAdds,
      long connections,
      long keptAtInference) {}

  public static NetworkSummary of(NetworkSpec spec) {
    Map<String, Shape> shapes = spec.shapes();
    List<Row> rows = new ArrayList<>();
    for (NodeSpec node : spec.nodes()) {
      List<Shape> inputs = node.inputs().stream().map(shapes::get).toList();
      Shape out = shapes.get(node.name());
      rows.add(
          new Row(
              node.name(),
              typeName(node.layer()),
              out,
              out.perImage(),
              parameters(node.layer(), inputs.get(0), out),
              state(node.layer(), inputs.get(0)),
              multiplyAdds(node.layer(), inputs.get(0), out),
              connections(node.layer(), inputs.get(0), out),
              keptAtInference(node.name(), node.layer(), inputs.get(0))));
    }
    return new NetworkSummary(spec.inputShape(), List.copyOf(rows));
  }

  public long totalParameters() {
    return rows.stream().mapToLong(Row::parameters).sum();
  }

  public long totalState() {
    return rows.stream().mapToLong(Row::state).sum();
  }

  /** Floats of every layer's output plus the input: the forward pass's activation memory. */
  public long totalActivations() {
    return input.perImage() + rows.stream().mapToLong(Row::activations).sum();
  }

  /** Floats the CPU backend keeps beside the weights at inference (Winograd's filters). */
  public long totalKeptAtInference() {
    return rows.stream().mapToLong(Row::keptAtInference).sum();
  }

  public long totalMultiplyAdds() {
    return rows.stream().mapToLong(Row::multiplyAdds).sum();
  }

  /** The row of the layer called {@code name}. */
  public Row row(String name) {
    return rows.stream()
        .filter(r -> r.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no layer called " + name));
  }

  static long parameters(LayerSpec layer, Shape in, Shape out) {
    if (layer instanceof Conv2dSpec c) {
      long weights = (long) c.filters() * (in.c() / c.groups()) * c.kernelH() * c.kernelW();
      return weights + (c.bias() ? c.filters() : 0);
    }
    if (layer instanceof ConvTranspose2dSpec t) {
      long weights = (long) in.c() * t.filters() * t.kernelH() * t.kernelW();
      return weights + (t.bias() ? t.filters() : 0);
    }
    if (layer instanceof LocallyConnected2dSpec l) {
      long positions = (long) out.h() * out.w();
      return positions * l.filters() * (in.c() * l.kernelH() * l.kernelW() + 1L);
    }
    if (layer instanceof LinearSpec l) {
      return (long) l.outputs() * in.perImage() + l.outputs();
    }
    if (layer instanceof BatchNormSpec) {
      return 2L * in.c();
    }
    if (layer instanceof ConnectionTableConv2dSpec t) {
      return (long) t.kernels() * t.kernelH() * t.kernelW() + t.inputs().size();
    }
    if (layer instanceof SubsamplingSpec) {
      return 2L * in.c();
    }
    return 0;
  }

  static long connections(LayerSpec layer, Shape in, Shape out) {
    long positions = (long) out.h() * out.w();
    if (layer instanceof Conv2dSpec || layer instanceof ConnectionTableConv2dSpec) {
      return positions * parameters(layer, in, out);
    }
    if (layer instanceof SubsamplingSpec sub) {
      return positions * in.c() * (sub.window() * sub.window() + 1L);
    }
    if (layer instanceof LinearSpec || layer instanceof LocallyConnected2dSpec) {
      return parameters(layer, in, out);
    }
    return 0;
  }

  /** {@link CpuBackend#keptInferenceFloats} of a convolution; 0 for other layers. */
  static long keptAtInference(String name, LayerSpec layer, Shape in) {
    if (!(layer instanceof Conv2dSpec c)) {
      return 0;
    }
    return CpuBackend.keptInferenceFloats(c.window(name, in), c.groups(), c.filters());
  }

  static long state(LayerSpec layer, Shape in) {
    return layer instanceof BatchNormSpec ? 2L * in.c() : 0;
  }

  static long multiplyAdds(LayerSpec layer, Shape in, Shape out) {
    if (layer instanceof Conv2dSpec c) {
      return (long) out.h()
          * out.w()
          * c.filters()
          * (in.c() / c.groups())
          * c.kernelH()
          * c.kernelW();
    }
    if (layer instanceof ConvTranspose2dSpec t) {
      return (long) in.h() * in.w() * in.c() * t.filters() * t.kernelH() * t.kernelW();
    }
    if (layer instanceof LocallyConnected2dSpec l) {
      return (long) out.h() * out.w() * l.filters() * in.c() * l.kernelH() * l.kernelW();
    }
    if (layer instanceof LinearSpec l) {
      return (long) l.outputs() * in.perImage();
    }
    if (layer instanceof ConnectionTableConv2dSpec t) {
      return (long) out.h() * out.w() * t.kernels() * t.kernelH() * t.kernelW();
    }
    if (layer instanceof SubsamplingSpec sub) {
      return (long) out.h() * out.w() * in.c() * sub.window() * sub.window();
    }
    return 0;
  }

  private static String typeName(LayerSpec layer) {
    String simple = layer.getClass().getSimpleName();
    return simple.endsWith("Spec") ? simple.substring(0, simple.length() - 4) : simple;
  }
}

package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;
import java.util.List;

/**
 * A convolution (stride 1, no padding) in which filter {@code k} sees only the input channels
 * {@code inputs.get(k)} — LeNet-5's C3, whose connection table gives 16 maps from 60 kernels over
 * S2's 6 maps. Output {@code inputs.size() × (H − kH + 1) × (W − kW + 1)}; trainable parameters
 * {@code Σ_k |inputs(k)|·kH·kW + inputs.size()} (LeNet's C3: 60·25 + 16 = 1,516).
 */
public record ConnectionTableConv2dSpec(int kernelH, int kernelW, List<List<Integer>> inputs)
    implements LayerSpec {

  public ConnectionTableConv2dSpec {
    inputs = inputs.stream().map(List::copyOf).toList();
    if (inputs.isEmpty() || kernelH < 1 || kernelW < 1) {
      throw new IllegalArgumentException(
          "connection_table_conv2d: needs at least one filter and a kernel ≥ 1, got "
              + inputs.size()
              + " filters and "
              + kernelH
              + "×"
              + kernelW);
    }
  }

  /**
   * LeNet-5's C3 table (LeCun et al., 1998, Table I): maps 0–5 read 3 neighbouring S2 maps, 6–11
   * read 4 neighbouring maps, 12–14 read 4 maps in two pairs, 15 reads all 6.
   */
  public static ConnectionTableConv2dSpec leNetC3() {
    List<List<Integer>> table =
        List.of(
            List.of(0, 1, 2),
            List.of(1, 2, 3),
            List.of(2, 3, 4),
            List.of(3, 4, 5),
            List.of(0, 4, 5),
            List.of(0, 1, 5),
            List.of(0, 1, 2, 3),
            List.of(1, 2, 3, 4),
            List.of(2, 3, 4, 5),
            List.of(0, 3, 4, 5),
            List.of(0, 1, 4, 5),
            List.of(0, 1, 2, 5),
            List.of(0, 1, 3, 4),
            List.of(1, 2, 4, 5),
            List.of(0, 2, 3, 5),
            List.of(0, 1, 2, 3, 4, 5));
    return new ConnectionTableConv2dSpec(5, 5, table);
  }

  /** Kernels in the table: {@code Σ_k |inputs(k)|}. */
  public int kernels() {
    return inputs.stream().mapToInt(List::size).sum();
  }

  /** The dense convolution this one masks. */
  Conv2dSpec dense() {
    return new Conv2dSpec(inputs.size(), kernelH, kernelW, 1, 1, 0, 0);
  }

  @Override
  public Shape outputShape(String layerName, Shape input) {
    for (int k = 0; k < inputs.size(); k++) {
      for (int c : inputs.get(k)) {
        if (c < 0 || c >= input.c()) {
          throw new IllegalArgumentException(
              layerName
                  + ": filter "
                  + k
                  + " reads input channel "
                  + c
                  + " but the input has "
                  + input.c()
                  + " channels");
        }
      }
    }
    return dense().outputShape(layerName, input);
  }

  @Override
  public Layer create(String layerName, Shape input, Backend backend) {
    return new ConnectionTableConv2d(layerName, this, input, backend);
  }
}

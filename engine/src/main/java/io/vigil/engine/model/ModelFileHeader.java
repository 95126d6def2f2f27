package io.vigil.engine.model;

import io.vigil.engine.network.NetworkSpec;
import java.util.List;

/**
 * The JSON header of a model file: everything but the weights. {@code tensors} lists each
 * parameter's name, shape ({@code [n, c, h, w]}) and its offset and length in floats within the
 * weight block, in the network's parameter order.
 */
record ModelFileHeader(
    String name,
    String version,
    NetworkSpec graph,
    ContractJson input,
    List<String> classNames,
    Provenance provenance,
    List<TensorEntry> tensors) {

  record TensorEntry(String name, int[] shape, long offset, long length) {}
}

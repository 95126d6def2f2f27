package io.vigil.engine.backend;

/**
 * One convolution's product over a batch, as {@link Backend#convolve}, {@link
 * Backend#convolveInference} and {@link Backend#convolveBackwardInput} take it: the window, the
 * GEMM of one group of one image (batched over the images), the number of groups, and the floats
 * between consecutive groups in the weights, in one image's columns and in one image's output (or
 * output gradient).
 */
public record ConvProduct(
    Window2d window, GemmOp op, int groups, int weightStride, int colStride, int outStride) {}

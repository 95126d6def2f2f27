package io.vigil.engine.backend;

import io.vigil.engine.tensor.Tensor;

/**
 * Batch normalisation with fixed statistics, as at inference: per channel {@code y = γ·(x − mean) /
 * √(variance + ε) + β}, computed as {@link Backend#batchNormForward} does. An {@link Epilogue} can
 * carry it, so that a convolution followed by batch norm (and an activation) writes its output
 * once.
 */
public record Normalisation(Tensor mean, Tensor variance, float eps, Tensor gamma, Tensor beta) {}

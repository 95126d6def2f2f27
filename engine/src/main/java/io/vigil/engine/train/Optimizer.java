package io.vigil.engine.train;

import io.vigil.engine.tensor.Tensor;
import java.util.List;

/**
 * Updates a network's parameters from their accumulated gradients, then zeroes the gradients
 * (layers add into them during backward).
 */
interface Optimizer extends AutoCloseable {

  /** One update at {@code learningRate} (the schedule's rate for this step). */
  void step(float learningRate);

  /** The optimizer's own tensors (momentum, moments), in a fixed order, for checkpoints. */
  List<Tensor> state();

  /** Updates made so far; Adam's bias correction depends on it. */
  long steps();

  /** Sets the update count when resuming from a checkpoint. */
  void restoreSteps(long steps);

  /** Frees the optimizer's state (velocities, moments). */
  @Override
  void close();
}

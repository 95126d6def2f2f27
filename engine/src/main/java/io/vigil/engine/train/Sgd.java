package io.vigil.engine.train;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.layer.Parameter;
import io.vigil.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Stochastic gradient descent with momentum and L2 weight decay, applied to every parameter:
 *
 * <pre>
 *   v ← momentum·v − lr·(g + weightDecay·w);   w ← w + v;   g ← 0
 * </pre>
 */
final class Sgd implements Optimizer {

  private final Backend backend;
  private final List<Parameter> parameters;
  private final List<Tensor> velocities = new ArrayList<>();
  private final float momentum;
  private final float weightDecay;
  private long steps;

  Sgd(Backend backend, List<Parameter> parameters, TrainingConfig config) {
    this.backend = backend;
    this.parameters = parameters;
    this.momentum = config.momentum();
    this.weightDecay = config.weightDecay();
    for (Parameter p : parameters) {
      velocities.add(backend.allocate(p.value().shape()));
    }
  }

  @Override
  public void step(float learningRate) {
    for (int i = 0; i < parameters.size(); i++) {
      Parameter p = parameters.get(i);
      Tensor v = velocities.get(i);
      backend.scale(v, momentum);
      backend.axpy(-learningRate, p.grad(), v);
      if (weightDecay > 0) {
        backend.axpy(-learningRate * weightDecay, p.value(), v);
      }
      backend.axpy(1f, v, p.value());
      backend.fill(p.grad(), 0f);
    }
    steps++;
  }

  @Override
  public List<Tensor> state() {
    return List.copyOf(velocities);
  }

  @Override
  public long steps() {
    return steps;
  }

  @Override
  public void restoreSteps(long steps) {
    this.steps = steps;
  }

  @Override
  public void close() {
    velocities.forEach(Tensor::close);
  }
}

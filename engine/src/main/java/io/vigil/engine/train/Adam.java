package io.vigil.engine.train;

import io.vigil.engine.backend.AdamStep;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.layer.Parameter;
import io.vigil.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma &amp; Ba, 2015) with β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸ and L2 weight decay added to the
 * gradient; the formula is on {@link AdamStep}. The configured momentum is not used.
 */
final class Adam implements Optimizer {

  static final float BETA1 = 0.9f;
  static final float BETA2 = 0.999f;
  static final float EPSILON = 1e-8f;

  private final Backend backend;
  private final List<Parameter> parameters;
  private final List<Tensor> firstMoments = new ArrayList<>();
  private final List<Tensor> secondMoments = new ArrayList<>();
  private final float weightDecay;
  private long steps;

  Adam(Backend backend, List<Parameter> parameters, TrainingConfig config) {
    this.backend = backend;
    this.parameters = parameters;
    this.weightDecay = config.weightDecay();
    for (Parameter p : parameters) {
      firstMoments.add(backend.allocate(p.value().shape()));
      secondMoments.add(backend.allocate(p.value().shape()));
    }
  }

  @Override
  public void step(float learningRate) {
    steps++;
    AdamStep update = AdamStep.at(steps, learningRate, BETA1, BETA2, EPSILON, weightDecay);
    for (int i = 0; i < parameters.size(); i++) {
      Parameter p = parameters.get(i);
      backend.adamUpdate(p.value(), p.grad(), firstMoments.get(i), secondMoments.get(i), update);
      backend.fill(p.grad(), 0f);
    }
  }

  @Override
  public List<Tensor> state() {
    List<Tensor> all = new ArrayList<>(firstMoments);
    all.addAll(secondMoments);
    return all;
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
    firstMoments.forEach(Tensor::close);
    secondMoments.forEach(Tensor::close);
  }
}

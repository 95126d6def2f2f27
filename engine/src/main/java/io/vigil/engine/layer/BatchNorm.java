package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.Normalisation;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.List;
import java.util.Random;

/**
 * Batch normalisation (formulas in {@link BatchNormSpec} and {@link Backend#batchNormBackward}).
 * Parameters {@code γ} ({@code weight}, initially 1) and {@code β} ({@code bias}, 0); state {@code
 * running_mean} (0) and {@code running_var} (1), saved in model files but not trained. The batch
 * statistics of a training forward pass are kept in the executor's scratch for backward.
 */
public final class BatchNorm extends AbstractLayer<BatchNormSpec> {

  private final Parameter gamma;
  private final Parameter beta;
  private final StateTensor runningMean;
  private final StateTensor runningVar;
  private final Normalisation inference;

  BatchNorm(String name, BatchNormSpec spec, Shape input, Backend backend) {
    super(name, spec, input, backend);
    Shape channels = new Shape(1, input.c(), 1, 1);
    this.gamma = newParameter("weight", channels);
    this.beta = newParameter("bias", channels);
    this.runningMean = newState("running_mean", channels);
    this.runningVar = newState("running_var", channels);
    backend.fill(gamma.value(), 1f);
    backend.fill(runningVar.value(), 1f);
    this.inference =
        new Normalisation(
            runningMean.value(), runningVar.value(), spec.eps(), gamma.value(), beta.value());
  }

  public Parameter gamma() {
    return gamma;
  }

  public Parameter beta() {
    return beta;
  }

  /** This layer at inference, with its running statistics, for a producer to apply. */
  public Normalisation inference() {
    return inference;
  }

  public Tensor runningMean() {
    return runningMean.value();
  }

  public Tensor runningVariance() {
    return runningVar.value();
  }

  @Override
  public boolean mixesImagesInTraining() {
    return true;
  }

  @Override
  public List<Parameter> parameters() {
    return List.of(gamma, beta);
  }

  @Override
  public List<StateTensor> state() {
    return List.of(runningMean, runningVar);
  }

  @Override
  public void initialise(Random random) {
    backend.fill(gamma.value(), 1f);
    backend.fill(beta.value(), 0f);
    backend.fill(runningMean.value(), 0f);
    backend.fill(runningVar.value(), 1f);
  }

  /** The statistics the last forward pass used, and whether they were the batch's. */
  private static final class Stats implements Scratch {
    final Tensor mean;
    final Tensor variance;
    boolean batchStatistics;

    Stats(Tensor mean, Tensor variance) {
      this.mean = mean;
      this.variance = variance;
    }

    @Override
    public void close() {
      mean.close();
      variance.close();
    }
  }

  @Override
  public Scratch newScratch(int maxBatch) {
    Shape channels = new Shape(1, inputShape.c(), 1, 1);
    return new Stats(backend.allocate(channels), backend.allocate(channels));
  }

  @Override
  public void forward(Tensor in, Tensor out, Scratch scratch, boolean training) {
    requireBatch(in, out);
    Stats s = (Stats) scratch;
    s.batchStatistics = training;
    if (training) {
      long m = (long) in.shape().n() * inputShape.plane();
      if (m < 2) {
        throw new IllegalArgumentException(
            name
                + ": batch normalisation in training needs more than one value per channel, got "
                + m);
      }
      backend.channelMeanVariance(in, s.mean, s.variance);
      float momentum = spec.momentum();
      backend.scale(runningMean.value(), 1f - momentum);
      backend.axpy(momentum, s.mean, runningMean.value());
      backend.scale(runningVar.value(), 1f - momentum);
      backend.axpy(momentum * m / (m - 1f), s.variance, runningVar.value());
      backend.batchNormForward(
          in, s.mean, s.variance, spec.eps(), gamma.value(), beta.value(), out);
    } else {
      backend.batchNormForward(
          in,
          runningMean.value(),
          runningVar.value(),
          spec.eps(),
          gamma.value(),
          beta.value(),
          out);
    }
  }

  @Override
  public void backward(Tensor in, Tensor out, Tensor dOut, Tensor dIn, Scratch scratch) {
    Stats s = (Stats) scratch;
    Tensor mean = s.batchStatistics ? s.mean : runningMean.value();
    Tensor variance = s.batchStatistics ? s.variance : runningVar.value();
    backend.batchNormBackward(
        in,
        mean,
        variance,
        spec.eps(),
        gamma.value(),
        s.batchStatistics,
        dOut,
        dIn,
        gamma.grad(),
        beta.grad());
  }
}

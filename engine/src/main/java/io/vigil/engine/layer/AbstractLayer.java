package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** What every layer keeps: its name, spec, per-image input shape and backend. */
abstract class AbstractLayer<S extends LayerSpec> implements Layer {

  protected final String name;
  protected final S spec;
  protected final Shape inputShape;
  protected final Shape outputShape;
  protected final Backend backend;

  /**
   * What {@link #newParameter} and {@link #newState} made so far: a constructor refused part way
   * (the backend out of memory) frees them, since no one else holds the half-built layer.
   */
  private final List<AutoCloseable> made = new ArrayList<>();

  AbstractLayer(String name, S spec, Shape input, Backend backend) {
    this.name = name;
    this.spec = spec;
    this.inputShape = input.withBatch(1);
    this.outputShape = spec.outputShape(name, this.inputShape);
    this.backend = backend;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public S spec() {
    return spec;
  }

  @Override
  public Shape inputShape() {
    return inputShape;
  }

  @Override
  public Shape outputShape() {
    return outputShape;
  }

  @Override
  public List<Parameter> parameters() {
    return List.of();
  }

  @Override
  public void initialise(Random random) {}

  @Override
  public Scratch newScratch(int maxBatch) {
    return NO_SCRATCH;
  }

  /** A parameter named {@code <layer>.<suffix>}; its gradient waits for training to need it. */
  protected Parameter newParameter(String suffix, Shape shape) {
    Parameter p = new Parameter(name + "." + suffix, allocateOrFreeMade(shape));
    made.add(p);
    return p;
  }

  /** A saved, unlearned tensor named {@code <layer>.<suffix>}. */
  protected StateTensor newState(String suffix, Shape shape) {
    Tensor t = allocateOrFreeMade(shape);
    made.add(t);
    return new StateTensor(name + "." + suffix, t);
  }

  private Tensor allocateOrFreeMade(Shape shape) {
    try {
      return backend.allocate(shape);
    } catch (RuntimeException | Error e) {
      for (AutoCloseable m : made) {
        try {
          m.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      made.clear();
      throw e;
    }
  }

  /** He (Kaiming) normal: N(0, 2/fanIn), which keeps activation variance stable under ReLU. */
  protected void heNormal(Parameter weight, int fanIn, Random random) {
    float[] values = new float[weight.value().size()];
    double std = Math.sqrt(2.0 / fanIn);
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextGaussian() * std);
    }
    backend.upload(values, 0, weight.value(), 0, values.length);
  }

  protected void requireBatch(Tensor in, Tensor out) {
    if (in.shape().perImage() != inputShape.perImage()
        || out.shape().perImage() != outputShape.perImage()
        || in.shape().n() != out.shape().n()) {
      throw new IllegalArgumentException(
          name
              + ": expected input n×"
              + inputShape.c()
              + "×"
              + inputShape.h()
              + "×"
              + inputShape.w()
              + " and output n×"
              + outputShape.c()
              + "×"
              + outputShape.h()
              + "×"
              + outputShape.w()
              + ", got "
              + in.shape()
              + " and "
              + out.shape());
    }
  }
}

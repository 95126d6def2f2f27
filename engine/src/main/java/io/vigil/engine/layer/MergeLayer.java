package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.List;
import java.util.Random;

/**
 * A layer that merges several inputs into one output (concatenation, addition): no parameters, no
 * scratch; the single-input {@code forward}/{@code backward} treat the one input as a list of one.
 */
abstract sealed class MergeLayer implements Layer permits Concat, Add {

  protected final String name;
  protected final LayerSpec spec;
  protected final List<Shape> inputShapes;
  protected final Shape outputShape;
  protected final Backend backend;

  MergeLayer(String name, LayerSpec spec, List<Shape> inputs, Backend backend) {
    this.name = name;
    this.spec = spec;
    this.inputShapes = inputs.stream().map(s -> s.withBatch(1)).toList();
    this.outputShape = spec.outputShape(name, inputShapes);
    this.backend = backend;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public LayerSpec spec() {
    return spec;
  }

  @Override
  public Shape inputShape() {
    return inputShapes.get(0);
  }

  @Override
  public List<Shape> inputShapes() {
    return inputShapes;
  }

  @Override
  public Shape outputShape() {
    return outputShape;
  }

  @Override
  public Shape outputShape(Shape input) {
    return spec.outputShape(name, List.of(input));
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

  @Override
  public void forward(Tensor in, Tensor out, Scratch scratch, boolean training) {
    forward(List.of(in), out, scratch, training);
  }

  @Override
  public void backward(Tensor in, Tensor out, Tensor dOut, Tensor dIn, Scratch scratch) {
    backward(List.of(in), out, dOut, java.util.Collections.singletonList(dIn), scratch);
  }

  @Override
  public abstract void forward(List<Tensor> ins, Tensor out, Scratch scratch, boolean training);

  @Override
  public abstract void backward(
      List<Tensor> ins, Tensor out, Tensor dOut, List<Tensor> dIns, Scratch scratch);

  protected void requireInputs(List<Tensor> ins) {
    if (ins.size() != inputShapes.size()) {
      throw new IllegalArgumentException(
          name + ": expected " + inputShapes.size() + " inputs, got " + ins.size());
    }
  }
}

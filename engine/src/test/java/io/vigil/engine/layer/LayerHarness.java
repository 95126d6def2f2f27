package io.vigil.engine.layer;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;

/** Runs one layer on host arrays, for tests. */
final class LayerHarness {

  static final CpuBackend BACKEND = new CpuBackend(2);

  final Layer layer;
  final Layer.Scratch scratch;
  final Shape in;
  final Shape out;
  final Tensor input;
  final Tensor output;

  LayerHarness(LayerSpec spec, Shape in) {
    this.layer = spec.create("layer", in, BACKEND);
    this.in = in;
    this.out = layer.outputShape(in);
    this.scratch = layer.newScratch(in.n());
    this.input = BACKEND.allocate(in);
    this.output = BACKEND.allocate(out);
  }

  float[] forward(float[] x) {
    return forward(x, true);
  }

  float[] forward(float[] x, boolean training) {
    BACKEND.upload(x, 0, input, 0, x.length);
    layer.forward(input, output, scratch, training);
    return BACKEND.data(output).clone();
  }

  /** Backward with {@code dOut}; returns dIn (parameter gradients accumulate in the layer). */
  float[] backward(float[] dOutValues) {
    Tensor dOut = BACKEND.allocate(out);
    Tensor dIn = BACKEND.allocate(in);
    BACKEND.upload(dOutValues, 0, dOut, 0, dOutValues.length);
    layer.backward(input, output, dOut, dIn, scratch);
    return BACKEND.data(dIn).clone();
  }

  void set(Parameter p, float[] values) {
    BACKEND.upload(values, 0, p.value(), 0, values.length);
  }

  static float[] values(io.vigil.engine.tensor.Tensor t) {
    float[] v = new float[t.size()];
    BACKEND.download(t, 0, v, 0, v.length);
    return v;
  }
}

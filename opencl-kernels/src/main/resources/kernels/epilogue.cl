// The inference epilogue of a product (io.vigil.engine.backend.Epilogue), in place and in one pass:
// t[img][c][q] = act(t[img][c][q] + bias[c]), the values of add_channel_bias then activation.
//
// Variants: epilogue (3-D launch (plane, channels, images): the channel is a work-item index, so
// no value pays an integer division). Bias: has_bias 0 or 1 (without it the bias argument is any
// valid buffer and is not read). Activation kind: -1 none, else the order of
// io.vigil.engine.backend.ActivationKind (0 ReLU, 1 LeakyReLU with alpha, 2 sigmoid, 3 tanh); the
// kind is uniform across the launch, so the branch costs nothing per value.
// Tuning parameters: none.

__kernel void epilogue(__global float* t, const int to, __global const float* bias, const int bo,
                       const int has_bias, const int kind, const float alpha) {
  const int q = get_global_id(0);
  const int c = get_global_id(1);
  const int img = get_global_id(2);
  const int plane = get_global_size(0);
  const int channels = get_global_size(1);
  const int i = to + (img * channels + c) * plane + q;
  float v = t[i];
  if (has_bias) v += bias[bo + c];
  if (kind == 0) {
    v = fmax(0.0f, v);
  } else if (kind == 1) {
    v = v > 0.0f ? v : alpha * v;
  } else if (kind == 2) {
    v = 1.0f / (1.0f + exp(-v));
  } else if (kind == 3) {
    v = tanh(v);
  }
  t[i] = v;
}

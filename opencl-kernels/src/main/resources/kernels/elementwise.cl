// Elementwise ops on flat float buffers. Every buffer comes with an element offset; every kernel
// takes its element count and ignores the work items past it (global sizes are rounded up to the
// work-group size).
//
// Variants: fill, copy, axpy, scale, multiply, add_channel_bias (2-D launch), copy_channels, adam.
// Tuning parameters: none (launch work-group size LOCAL from kernels/tuning.txt).

__kernel void fill(__global float* x, const int xo, const int n, const float value) {
  const int i = get_global_id(0);
  if (i < n) x[xo + i] = value;
}

__kernel void copy(__global const float* src, const int so, __global float* dst, const int dso,
                   const int n) {
  const int i = get_global_id(0);
  if (i < n) dst[dso + i] = src[so + i];
}

// y += a * x
__kernel void axpy(const float a, __global const float* x, const int xo, __global float* y,
                   const int yo, const int n) {
  const int i = get_global_id(0);
  if (i < n) y[yo + i] += a * x[xo + i];
}

// x *= a
__kernel void scale(__global float* x, const int xo, const int n, const float a) {
  const int i = get_global_id(0);
  if (i < n) x[xo + i] *= a;
}

// out = a * b (out may alias a)
__kernel void multiply(__global const float* a, const int ao, __global const float* b,
                       const int bo, __global float* out, const int oo, const int n) {
  const int i = get_global_id(0);
  if (i < n) out[oo + i] = a[ao + i] * b[bo + i];
}

// t[img][c][q] += bias[c]. 2-D launch (plane, images * channels): the channel is uniform along
// dimension 0, so the division is not paid per value.
__kernel void add_channel_bias(__global float* t, const int to, __global const float* bias,
                               const int bo, const int channels, const int plane) {
  const int q = get_global_id(0);
  const int ic = get_global_id(1);
  t[to + ic * plane + q] += bias[bo + ic % channels];
}

// dst[img][dstChannel + c][q] = src[img][srcChannel + c][q] for c < channels
__kernel void copy_channels(__global const float* src, const int so, const int srcChannels,
                            const int srcChannel, __global float* dst, const int dso,
                            const int dstChannels, const int dstChannel, const int channels,
                            const int plane, const int n) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int block = channels * plane;
  const int img = i / block;
  const int r = i % block;
  dst[dso + (img * dstChannels + dstChannel) * plane + r] =
      src[so + (img * srcChannels + srcChannel) * plane + r];
}

// One Adam step (io.vigil.engine.backend.AdamStep): g' = g + wd*w; m = b1*m + (1-b1)*g';
// v = b2*v + (1-b2)*g'^2; w -= lr * (m/c1) / (sqrt(v/c2) + eps)
__kernel void adam(__global float* w, const int wo, __global const float* g, const int go,
                   __global float* m, const int mo, __global float* v, const int vo, const int n,
                   const float lr, const float b1, const float b2, const float eps,
                   const float wd, const float c1, const float c2) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const float grad = g[go + i] + wd * w[wo + i];
  const float mi = b1 * m[mo + i] + (1.0f - b1) * grad;
  const float vi = b2 * v[vo + i] + (1.0f - b2) * grad * grad;
  m[mo + i] = mi;
  v[vo + i] = vi;
  w[wo + i] -= lr * (mi / c1) / (sqrt(vi / c2) + eps);
}

// Per-channel reductions and normalisation over N x C x plane tensors.
//
// Variants: channel_sum_accumulate (bias gradient, db[c] += sum over n and positions),
// mean_variance (biased batch statistics), batch_norm_backward (dBeta, dGamma and dx in one
// kernel) -- each one work group of WG items per channel, summing in a local-memory tree;
// batch_norm_forward (2-D launch: plane x images*channels), lrn_forward, lrn_backward -- one
// work item per value.
// Tuning parameters (kernels/tuning.txt):
//   WG  work-group size of the per-channel reductions (a power of two)

#ifndef WG
#define WG 64
#endif

// The sum of v over the work group, returned to every item.
inline float group_sum(float v, __local float* scratch) {
  const int lid = get_local_id(0);
  scratch[lid] = v;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int s = WG / 2; s > 0; s >>= 1) {
    if (lid < s) scratch[lid] += scratch[lid + s];
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  const float total = scratch[0];
  barrier(CLK_LOCAL_MEM_FENCE);
  return total;
}

// Value q of the channel's m = N*plane values: image q / plane, position q % plane.
#define AT(buf, off, q) buf[(off) + ((q) / plane * channels + c) * plane + (q) % plane]

__kernel void channel_sum_accumulate(__global const float* dy, const int dyo, const int images,
                                     const int channels, const int plane, __global float* db,
                                     const int dbo) {
  __local float scratch[WG];
  const int c = get_group_id(0);
  const int m = images * plane;
  float sum = 0.0f;
  for (int q = get_local_id(0); q < m; q += WG) sum += AT(dy, dyo, q);
  sum = group_sum(sum, scratch);
  if (get_local_id(0) == 0) db[dbo + c] += sum;
}

__kernel void mean_variance(__global const float* x, const int xo, const int images,
                            const int channels, const int plane, __global float* mean,
                            const int mo, __global float* variance, const int vo) {
  __local float scratch[WG];
  const int c = get_group_id(0);
  const int m = images * plane;
  float sum = 0.0f;
  for (int q = get_local_id(0); q < m; q += WG) sum += AT(x, xo, q);
  const float mu = group_sum(sum, scratch) / (float) m;
  // Two passes: the sum of squared deviations does not cancel like E[x^2] - mean^2 would.
  float sq = 0.0f;
  for (int q = get_local_id(0); q < m; q += WG) {
    const float d = AT(x, xo, q) - mu;
    sq += d * d;
  }
  sq = group_sum(sq, scratch);
  if (get_local_id(0) == 0) {
    mean[mo + c] = mu;
    variance[vo + c] = sq / (float) m;
  }
}

// y = gamma * (x - mean) / sqrt(var + eps) + beta. 2-D launch (plane, images * channels), like
// add_channel_bias.
__kernel void batch_norm_forward(__global const float* x, const int xo,
                                 const int channels, const int plane, __global const float* mean,
                                 const int mo, __global const float* variance, const int vo,
                                 const float eps, __global const float* gamma, const int go,
                                 __global const float* beta, const int bo, __global float* y,
                                 const int yo) {
  const int ic = get_global_id(1);
  const int i = ic * plane + get_global_id(0);
  const int c = ic % channels;
  const float a = gamma[go + c] / sqrt(variance[vo + c] + eps);
  y[yo + i] = a * (x[xo + i] - mean[mo + c]) + beta[bo + c];
}

// dBeta += sum dy; dGamma += sum dy*xhat; dx = (gamma/sigma)(dy - [batch](sum dy/m + xhat
// sum(dy*xhat)/m)) when hasDx
__kernel void batch_norm_backward(__global const float* x, const int xo, const int images,
                                  const int channels, const int plane, __global const float* mean,
                                  const int mo, __global const float* variance, const int vo,
                                  const float eps, __global const float* gamma, const int go,
                                  const int batchStatistics, __global const float* dy,
                                  const int dyo, const int hasDx, __global float* dx,
                                  const int dxo, __global float* dGamma, const int dgo,
                                  __global float* dBeta, const int dbo) {
  __local float scratch[WG];
  const int c = get_group_id(0);
  const int m = images * plane;
  const float mu = mean[mo + c];
  const float invStd = 1.0f / sqrt(variance[vo + c] + eps);
  float sumDy = 0.0f;
  float sumDyXhat = 0.0f;
  for (int q = get_local_id(0); q < m; q += WG) {
    const float g = AT(dy, dyo, q);
    sumDy += g;
    sumDyXhat += g * (AT(x, xo, q) - mu) * invStd;
  }
  sumDy = group_sum(sumDy, scratch);
  sumDyXhat = group_sum(sumDyXhat, scratch);
  if (get_local_id(0) == 0) {
    dBeta[dbo + c] += sumDy;
    dGamma[dgo + c] += sumDyXhat;
  }
  if (!hasDx) return;
  const float scale = gamma[go + c] * invStd;
  const float meanDy = batchStatistics ? sumDy / (float) m : 0.0f;
  const float meanDyXhat = batchStatistics ? sumDyXhat / (float) m : 0.0f;
  for (int q = get_local_id(0); q < m; q += WG) {
    const float xhat = (AT(x, xo, q) - mu) * invStd;
    AT(dx, dxo, q) = scale * (AT(dy, dyo, q) - meanDy - xhat * meanDyXhat);
  }
}

// Local response normalisation (io.vigil.engine.backend.Lrn): s_i = k + alpha * sum_{window} x_j^2,
// y_i = x_i * s_i^-beta; `before`/`after` are the channels on each side of i in its window.
// One work item per position of one image (1-D launch over images * plane, rounded up to LOCAL):
// it walks the channels with a running window sum (add the square entering the window, subtract
// the one leaving it), so each value is read twice instead of `size` times, and neighbouring work
// items read neighbouring positions, which PoCL's work-group loop turns into vector loads.
// Variants (build options):
//   WRITE_S  1: s is written for the backward pass; 0: inference (lrnValues), s left unwritten
//   BETA_34  1: beta = 3/4 (AlexNet's): s^-3/4 = rsqrt(s * sqrt(s)). The generic pow cost PoCL
//            about 100 ns a value: AlexNet's two LRN layers took 56 ms of an 84 ms batch-1
//            inference (the CPU backend takes the same route).
#ifndef WRITE_S
#define WRITE_S 1
#endif
#ifndef BETA_34
#define BETA_34 0
#endif
__kernel void lrn_forward(__global const float* x, const int xo, __global float* y, const int yo,
                          __global float* s, const int so, const int count, const int channels,
                          const int plane, const int before, const int after, const float alpha,
                          const float beta, const float k) {
  const int g = get_global_id(0);
  if (g >= count) return;
  const int image = g / plane;
  const int base = image * channels * plane + (g - image * plane);
  __global const float* in = x + xo + base;
  float sum = 0.0f;
  // The window of channel 0: channels 0 .. after.
  for (int j = 0; j <= min(after, channels - 1); j++) {
    const float v = in[j * plane];
    sum = fma(v, v, sum);
  }
  for (int c = 0; c < channels; c++) {
    if (c > 0) {
      const int enter = c + after;
      const int leave = c - before - 1;
      if (enter < channels) {
        const float v = in[enter * plane];
        sum = fma(v, v, sum);
      }
      if (leave >= 0) {
        const float v = in[leave * plane];
        sum = fma(-v, v, sum);
      }
    }
    const float scale = k + alpha * sum;
    const int at = base + c * plane;
#if WRITE_S
    s[so + at] = scale;
#endif
#if BETA_34
    y[yo + at] = in[c * plane] * rsqrt(scale * sqrt(scale));
#else
    y[yo + at] = in[c * plane] * pow(scale, -beta);
#endif
  }
}

// dx_j = dy_j s_j^-beta - 2 alpha beta x_j sum_{i : j in window(i)} dy_i y_i / s_i
__kernel void lrn_backward(__global const float* x, const int xo, __global const float* y,
                           const int yo, __global const float* s, const int so,
                           __global const float* dy, const int dyo, __global float* dx,
                           const int dxo, const int n, const int channels, const int plane,
                           const int before, const int after, const float alpha,
                           const float beta) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int ch = (i / plane) % channels;
  const int base = i - ch * plane;
  float sum = 0.0f;
  for (int j = max(0, ch - after); j <= min(channels - 1, ch + before); j++) {
    const int at = base + j * plane;
    sum += dy[dyo + at] * y[yo + at] / s[so + at];
  }
  dx[dxo + i] = dy[dyo + i] * pow(s[so + i], -beta) - 2.0f * alpha * beta * x[xo + i] * sum;
}

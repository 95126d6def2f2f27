// Activations, softmax and the softmax cross-entropy loss.
//
// Variants: activation / activation_backward (kind: 0 ReLU, 1 LeakyReLU, 2 sigmoid, 3 tanh, the
// order of io.vigil.engine.backend.ActivationKind), softmax, softmax_backward (one work item per
// row), cross_entropy_rows (per-row loss, summed on the host in double), softmax_ce_backward.
// Tuning parameters: none (launch work-group size LOCAL from kernels/tuning.txt).

__kernel void activation(const int kind, const float alpha, __global const float* x, const int xo,
                         __global float* y, const int yo, const int n) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const float v = x[xo + i];
  float r;
  if (kind == 0) {
    r = fmax(0.0f, v);
  } else if (kind == 1) {
    r = v > 0.0f ? v : alpha * v;
  } else if (kind == 2) {
    r = 1.0f / (1.0f + exp(-v));
  } else {
    r = tanh(v);
  }
  y[yo + i] = r;
}

__kernel void activation_backward(const int kind, const float alpha, __global const float* x,
                                  const int xo, __global const float* y, const int yo,
                                  __global const float* dy, const int dyo, __global float* dx,
                                  const int dxo, const int n) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const float g = dy[dyo + i];
  float r;
  if (kind == 0) {
    r = x[xo + i] > 0.0f ? g : 0.0f;
  } else if (kind == 1) {
    r = x[xo + i] > 0.0f ? g : alpha * g;
  } else if (kind == 2) {
    const float v = y[yo + i];
    r = g * v * (1.0f - v);
  } else {
    const float v = y[yo + i];
    r = g * (1.0f - v * v);
  }
  dx[dxo + i] = r;
}

// p = e^(x - max) / sum, one row per work item
__kernel void softmax(__global const float* x, const int xo, __global float* p, const int po,
                      const int rows, const int cols) {
  const int r = get_global_id(0);
  if (r >= rows) return;
  __global const float* xr = x + xo + r * cols;
  __global float* pr = p + po + r * cols;
  float mx = -INFINITY;
  for (int j = 0; j < cols; j++) mx = fmax(mx, xr[j]);
  float sum = 0.0f;
  for (int j = 0; j < cols; j++) {
    const float e = exp(xr[j] - mx);
    pr[j] = e;
    sum += e;
  }
  const float inv = 1.0f / sum;
  for (int j = 0; j < cols; j++) pr[j] *= inv;
}

// dx = p * (dp - sum_k p_k dp_k), one row per work item
__kernel void softmax_backward(__global const float* p, const int po, __global const float* dp,
                               const int dpo, __global float* dx, const int dxo, const int rows,
                               const int cols) {
  const int r = get_global_id(0);
  if (r >= rows) return;
  __global const float* pr = p + po + r * cols;
  __global const float* dr = dp + dpo + r * cols;
  float dot = 0.0f;
  for (int j = 0; j < cols; j++) dot += pr[j] * dr[j];
  for (int j = 0; j < cols; j++) dx[dxo + r * cols + j] = pr[j] * (dr[j] - dot);
}

// loss[r] = -ln max(p[r][label_r], 1e-30)
__kernel void cross_entropy_rows(__global const float* p, const int po,
                                 __global const int* labels, __global float* loss, const int rows,
                                 const int cols) {
  const int r = get_global_id(0);
  if (r >= rows) return;
  loss[r] = -log(fmax(p[po + r * cols + labels[r]], 1e-30f));
}

// d[r][j] = scale * (p[r][j] - [j == label_r])
__kernel void softmax_ce_backward(__global const float* p, const int po,
                                  __global const int* labels, const float scale, __global float* d,
                                  const int dso, const int rows, const int cols) {
  const int i = get_global_id(0);
  if (i >= rows * cols) return;
  const int r = i / cols;
  const int j = i % cols;
  d[dso + i] = scale * (p[po + i] - (j == labels[r] ? 1.0f : 0.0f));
}

// Pooling over a window (io.vigil.engine.backend.Window2d, no dilation): max with switches,
// average (divides by KH*KW, padding counts as zeros) and L2 norm.
//
// Variants: max_pool_forward and pool_forward (one work item per output row (img, c, oy); the max
// records the winning input index within the image, first maximum wins), max_pool_backward and
// pool_backward (one work item per input row (img, c, y): it zeroes the row, then adds what the
// windows that overlap the row send to it, window by window in output order as the CPU does, so
// overlapping windows need no atomics). Pool kind: 0 average, 1 L2 (io.vigil.engine.backend
// .PoolKind). Rows, not single values, per work item: see window.cl.
// Tuning parameters: none (launch work-group size LOCAL from kernels/tuning.txt).

#define WINDOW_PARAMS                                                                          \
  const int C, const int H, const int W, const int KH, const int KW, const int SH, const int SW, \
      const int PH, const int PW, const int DH, const int DW, const int OH, const int OW

// First output row/column whose window [o*S - P, o*S - P + K) contains position t.
inline int first_window(const int t, const int P, const int K, const int S) {
  const int a = t + P - K + 1;
  return a <= 0 ? 0 : (a + S - 1) / S;
}

// Work item: (img, c, oy), images * C * OH of them.
__kernel void max_pool_forward(__global const float* x, const int xo, __global float* out,
                               const int oo, __global int* switches, const int images,
                               WINDOW_PARAMS) {
  const int id = get_global_id(0);
  if (id >= images * C * OH) return;
  const int oy = id % OH;
  const int c = (id / OH) % C;
  const int img = id / (OH * C);
  const int y0 = oy * SH - PH;
  const int yFrom = max(0, y0);
  const int yTo = min(H, y0 + KH);
  __global const float* image = x + xo + img * C * H * W;
  for (int ox = 0; ox < OW; ox++) {
    const int x0 = ox * SW - PW;
    float best = -INFINITY;
    int winner = -1;
    for (int y = yFrom; y < yTo; y++) {
      for (int xx = max(0, x0); xx < min(W, x0 + KW); xx++) {
        const int idx = (c * H + y) * W + xx;
        const float v = image[idx];
        if (v > best || winner < 0) {
          best = v;
          winner = idx;
        }
      }
    }
    out[oo + id * OW + ox] = best;
    switches[id * OW + ox] = winner;
  }
}

// Work item: (img, c, y), images * C * H of them.
__kernel void max_pool_backward(__global const float* dy, const int dyo,
                                __global const int* switches, __global float* dx, const int dxo,
                                const int images, WINDOW_PARAMS) {
  const int id = get_global_id(0);
  if (id >= images * C * H) return;
  const int y = id % H;
  const int c = (id / H) % C;
  const int img = id / (H * C);
  __global float* row = dx + dxo + id * W;
  for (int xx = 0; xx < W; xx++) row[xx] = 0.0f;
  // Switches index within the image; this row holds indices [rowStart, rowStart + W).
  const int rowStart = (c * H + y) * W;
  const int base = (img * C + c) * OH * OW;
  for (int oy = first_window(y, PH, KH, SH); oy <= min(OH - 1, (y + PH) / SH); oy++) {
    for (int ox = 0; ox < OW; ox++) {
      const int j = base + oy * OW + ox;
      const int s = switches[j] - rowStart;
      if (s >= 0 && s < W) row[s] += dy[dyo + j];
    }
  }
}

// Work item: (img, c, oy), images * C * OH of them.
__kernel void pool_forward(const int kind, __global const float* x, const int xo,
                           __global float* out, const int oo, const int images, WINDOW_PARAMS) {
  const int id = get_global_id(0);
  if (id >= images * C * OH) return;
  const int oy = id % OH;
  const int c = (id / OH) % C;
  const int img = id / (OH * C);
  const int y0 = oy * SH - PH;
  __global const float* plane = x + xo + (img * C + c) * H * W;
  const float inv = 1.0f / (float) (KH * KW);
  for (int ox = 0; ox < OW; ox++) {
    const int x0 = ox * SW - PW;
    float sum = 0.0f;
    for (int y = max(0, y0); y < min(H, y0 + KH); y++) {
      for (int xx = max(0, x0); xx < min(W, x0 + KW); xx++) {
        const float v = plane[y * W + xx];
        sum += kind == 1 ? v * v : v;
      }
    }
    out[oo + id * OW + ox] = kind == 1 ? sqrt(sum) : sum * inv;
  }
}

// Work item: (img, c, y), images * C * H of them.
__kernel void pool_backward(const int kind, __global const float* x, const int xo,
                            __global const float* out, const int oo, __global const float* dy,
                            const int dyo, __global float* dx, const int dxo, const int images,
                            WINDOW_PARAMS) {
  const int id = get_global_id(0);
  if (id >= images * C * H) return;
  const int y = id % H;
  const int c = (id / H) % C;
  const int img = id / (H * C);
  __global float* row = dx + dxo + id * W;
  __global const float* xrow = x + xo + id * W;
  for (int xx = 0; xx < W; xx++) row[xx] = 0.0f;
  const int base = (img * C + c) * OH * OW;
  const float inv = 1.0f / (float) (KH * KW);
  for (int oy = first_window(y, PH, KH, SH); oy <= min(OH - 1, (y + PH) / SH); oy++) {
    for (int ox = 0; ox < OW; ox++) {
      const int j = base + oy * OW + ox;
      float factor;
      if (kind == 1) {
        const float norm = out[oo + j];
        // The norm is not differentiable at 0; take the subgradient 0 there.
        factor = norm > 0.0f ? dy[dyo + j] / norm : 0.0f;
      } else {
        factor = dy[dyo + j] * inv;
      }
      const int x0 = ox * SW - PW;
      for (int xx = max(0, x0); xx < min(W, x0 + KW); xx++) {
        row[xx] += kind == 1 ? factor * xrow[xx] : factor;
      }
    }
  }
}

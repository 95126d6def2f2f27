// Winograd's F(2x2, 3x3) for the inference convolution (io.vigil.engine.backend.Backend
// #convolveInference) of 3x3, stride-1, undilated windows, in the batched form of Lavin and Gray:
//
//   U = G g G^T (filters),  V = B^T d B (4x4 input tiles),  M[xi] = U[xi] . V[xi] (16 GEMMs),
//   Y = A^T M A (2x2 output tiles),
//
// with the matrices of the CPU backend's WinogradF23 (same point order xi = 4i + j). The 16
// products run on gemm.cl (batched over xi); these kernels are the three transforms around them.
//
// Kernels:
//   winograd_filters  U[g][xi][k][c] of every group g, filter k, channel c: launch (channels,
//                     filters, groups). Run once per weight version: the host keeps U with the
//                     weights.
//   winograd_input    V[xi][c][t] for the tiles t0 + t of a range of `tiles` tiles of the batch
//                     (numbered image by image, row by row), t in [0, ldv): launch (ldv, channels).
//                     Tiles past the range (t >= tiles, the GEMM's padding to whole vectors) are 0.
//   winograd_output   the 2x2 outputs of the tiles of the range from M[xi][k][t], clipped at an odd
//                     last row or column, with the epilogue (bias, batch norm, activation) applied:
//                     launch (tiles, filters). Variant NORM=1 takes the batch norm's five
//                     arguments (as norm.cl's batch_norm_forward) after the epilogue's.
// Shape options (-D, one program per input plane): H, W the input plane, PH, PW the padding, OH, OW
// the output plane, TH, TW its tiles (ceil(OH / 2), ceil(OW / 2)).
// Epilogue arguments as in epilogue.cl: has_bias (0: the bias argument is not read), kind -1 none,
// else io.vigil.engine.backend.ActivationKind's order (0 ReLU, 1 LeakyReLU with alpha, 2 sigmoid,
// 3 tanh).
// Tuning parameters: none of their own (the products use GEMM_RM and GEMM_VW).

inline float activate(float v, const int kind, const float alpha) {
  if (kind == 0) return fmax(v, 0.0f);
  if (kind == 1) return v > 0.0f ? v : alpha * v;
  if (kind == 2) return 1.0f / (1.0f + exp(-v));
  if (kind == 3) return tanh(v);
  return v;
}

// One row (a, b, c) of G g times G^T: the four values of a row of U.
inline float4 filter_row(const float a, const float b, const float c) {
  return (float4)(a, 0.5f * (a + b + c), 0.5f * (a - b + c), c);
}

__kernel void winograd_filters(__global const float* w, const int wo, const int ldw,
                               const int weight_stride, __global float* u, const int uo) {
  const int c = get_global_id(0);
  const int k = get_global_id(1);
  const int g = get_global_id(2);
  const int channels = get_global_size(0);
  const int filters = get_global_size(1);
  __global const float* t = w + wo + g * weight_stride + k * ldw + c * 9;
  const float g00 = t[0], g01 = t[1], g02 = t[2];
  const float g10 = t[3], g11 = t[4], g12 = t[5];
  const float g20 = t[6], g21 = t[7], g22 = t[8];
  float4 rows[4];
  rows[0] = filter_row(g00, g01, g02);
  rows[1] = filter_row(0.5f * (g00 + g10 + g20), 0.5f * (g01 + g11 + g21),
                       0.5f * (g02 + g12 + g22));
  rows[2] = filter_row(0.5f * (g00 - g10 + g20), 0.5f * (g01 - g11 + g21),
                       0.5f * (g02 - g12 + g22));
  rows[3] = filter_row(g20, g21, g22);
  const int plane = filters * channels;
  __global float* out = u + uo + g * 16 * plane + k * channels + c;
#pragma unroll
  for (int i = 0; i < 4; i++) {
    out[(4 * i) * plane] = rows[i].x;
    out[(4 * i + 1) * plane] = rows[i].y;
    out[(4 * i + 2) * plane] = rows[i].z;
    out[(4 * i + 3) * plane] = rows[i].w;
  }
}

// d B for one row d of the tile: (d0 - d2, d1 + d2, d2 - d1, d1 - d3).
inline float4 input_row(const float4 d) {
  return (float4)(d.x - d.z, d.y + d.z, d.z - d.y, d.y - d.w);
}

// x: the batch (image_stride floats per image), from channel c0 of each image; v: V of the range.
__kernel void winograd_input(__global const float* x, const int xo, const int image_stride,
                             const int c0, const int t0, const int tiles, __global float* v,
                             const int vo) {
  const int t = get_global_id(0);
  const int c = get_global_id(1);
  const int ldv = get_global_size(0);
  const int channels = get_global_size(1);
  float4 d[4];
  if (t < tiles) {
    const int tile = t0 + t;
    const int img = tile / (TH * TW);
    const int r = tile - img * (TH * TW);
    const int ty = r / TW;
    const int y0 = 2 * ty - PH;
    const int x0 = 2 * (r - ty * TW) - PW;
    __global const float* plane = x + xo + img * image_stride + (c0 + c) * (H * W);
#pragma unroll
    for (int i = 0; i < 4; i++) {
      const int yy = y0 + i;
      if (yy < 0 || yy >= H) {
        d[i] = (float4)(0.0f);
      } else if (x0 >= 0 && x0 + 4 <= W) {
        d[i] = vload4(0, plane + yy * W + x0);
      } else {
        __global const float* row = plane + yy * W;
        d[i] = (float4)(x0 >= 0 && x0 < W ? row[x0] : 0.0f,
                        x0 + 1 >= 0 && x0 + 1 < W ? row[x0 + 1] : 0.0f,
                        x0 + 2 >= 0 && x0 + 2 < W ? row[x0 + 2] : 0.0f,
                        x0 + 3 >= 0 && x0 + 3 < W ? row[x0 + 3] : 0.0f);
      }
    }
  } else {
#pragma unroll
    for (int i = 0; i < 4; i++) d[i] = (float4)(0.0f);
  }
  // B^T d: rows d0 - d2, d1 + d2, d2 - d1, d1 - d3; then each row times B.
  float4 rows[4];
  rows[0] = input_row(d[0] - d[2]);
  rows[1] = input_row(d[1] + d[2]);
  rows[2] = input_row(d[2] - d[1]);
  rows[3] = input_row(d[1] - d[3]);
  const int plane = channels * ldv;
  __global float* out = v + vo + c * ldv + t;
#pragma unroll
  for (int i = 0; i < 4; i++) {
    out[(4 * i) * plane] = rows[i].x;
    out[(4 * i + 1) * plane] = rows[i].y;
    out[(4 * i + 2) * plane] = rows[i].z;
    out[(4 * i + 3) * plane] = rows[i].w;
  }
}

// m: M of the range (ldm floats per row, filters rows per point); y: the output, image_stride
// floats per image, this group's filter 0 at yo; k0: this group's filter 0 among all (its bias).
__kernel void winograd_output(__global const float* m, const int mo, const int ldm, const int t0,
                              __global float* y, const int yo, const int image_stride,
                              const int k0, __global const float* bias, const int bo, const int has_bias,
                              const int kind, const float alpha
#if NORM
                              , __global const float* mean, const int mo2,
                              __global const float* variance, const int vo, const float eps,
                              __global const float* gamma, const int go,
                              __global const float* beta, const int beo
#endif
                              ) {
  const int t = get_global_id(0);
  const int k = get_global_id(1);
  const int filters = get_global_size(1);
  const int plane = filters * ldm;
  __global const float* in = m + mo + k * ldm + t;
  float4 p[4];
#pragma unroll
  for (int i = 0; i < 4; i++) {
    p[i] = (float4)(in[(4 * i) * plane], in[(4 * i + 1) * plane], in[(4 * i + 2) * plane],
                    in[(4 * i + 3) * plane]);
  }
  // A^T p: rows p0 + p1 + p2 and p1 - p2 - p3; then each row times A.
  const float4 r0 = p[0] + p[1] + p[2];
  const float4 r1 = p[1] - p[2] - p[3];
  float4 v = (float4)(r0.x + r0.y + r0.z, r0.y - r0.z - r0.w, r1.x + r1.y + r1.z,
                      r1.y - r1.z - r1.w);
  if (has_bias) v += (float4)(bias[bo + k0 + k]);
#if NORM
  // The values of batch_norm_forward: a (x - mean) + beta with a = gamma / sqrt(var + eps).
  const int f = k0 + k;
  const float a = gamma[go + f] / sqrt(variance[vo + f] + eps);
  v = a * (v - (float4)(mean[mo2 + f])) + (float4)(beta[beo + f]);
#endif
  const float y00 = activate(v.x, kind, alpha);
  const float y01 = activate(v.y, kind, alpha);
  const float y10 = activate(v.z, kind, alpha);
  const float y11 = activate(v.w, kind, alpha);
  const int tile = t0 + t;
  const int img = tile / (TH * TW);
  const int r = tile - img * (TH * TW);
  const int ty = r / TW;
  const int oy = 2 * ty;
  const int ox = 2 * (r - ty * TW);
  __global float* out = y + yo + img * image_stride + (k * OH + oy) * OW + ox;
  const bool right = ox + 1 < OW;
  out[0] = y00;
  if (right) out[1] = y01;
  if (oy + 1 < OH) {
    out[OW] = y10;
    if (right) out[OW + 1] = y11;
  }
}

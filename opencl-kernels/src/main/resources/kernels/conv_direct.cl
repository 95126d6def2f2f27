// Direct convolution for inference with the epilogue fused (io.vigil.engine.backend.Backend
// #convolveInference): y = act(conv(x, w) + bias) in one launch, no column matrix, for filters with
// few taps (LeNet-5's), where unfolding and multiplying cost more launches and memory traffic than
// the product itself.
//
// Variants: conv_direct. A work item computes VW neighbouring outputs of one output row for FB
// filters of one group: acc[f] (a floatVW) += w[f][c][ky][kx] * (VW inputs), so each loaded input
// feeds FB vector FMAs and each weight is one broadcast. The inputs of one (c, ky) are read once
// into a private segment (zero where the window reaches into the padding) from which the VW-wide
// vector of each kx is taken at constant indices. 3-D launch (CHUNKS * OH, F / FB, images): only
// one division, by a constant.
// Shape options (-D, one program per layer shape): CG channels per group, H, W input plane, KH, KW,
// SH, SW, PH, PW, DH, DW, OH, OW; FG filters per group, F all filters; FB filters per work item
// (divides FG); VW outputs per work item (2, 4, 8 or 16); CHUNKS = ceil(OW / VW); SEG = (VW - 1) *
// SW + (KW - 1) * DW + 1, the input columns one work item reads per row.
// Epilogue arguments: has_bias (0: the bias argument is not read), kind -1 none, else
// io.vigil.engine.backend.ActivationKind's order (0 ReLU, 1 LeakyReLU with alpha, 2 sigmoid, 3 tanh).
// Tuning parameters: CONV_VW and CONV_FB in kernels/tuning.txt, the host's caps on VW and FB.

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define floatV CAT(float, VW)
#define vloadV CAT(vload, VW)
#define vstoreV CAT(vstore, VW)

inline floatV activate(floatV v, const int kind, const float alpha) {
  if (kind == 0) return fmax(v, (floatV)(0.0f));
  if (kind == 1) return select(v * alpha, v, v > (floatV)(0.0f));
  if (kind == 2) return (floatV)(1.0f) / ((floatV)(1.0f) + exp(-v));
  if (kind == 3) return tanh(v);
  return v;
}

__kernel void conv_direct(__global const float* x, const int xo, __global const float* w,
                          const int wo, __global const float* bias, const int bo,
                          const int has_bias, const int kind, const float alpha,
                          __global float* y, const int yo) {
  const int chunk = get_global_id(0) % CHUNKS;
  const int oy = get_global_id(0) / CHUNKS;
  const int f0 = get_global_id(1) * FB;
  const int img = get_global_id(2);
  const int group = f0 / FG;
  const int ox0 = chunk * VW;
  const int xs = ox0 * SW - PW;
  __global const float* image = x + xo + (img * (F / FG) + group) * CG * H * W;
  __global const float* wf = w + wo + f0 * (CG * KH * KW);

  floatV acc[FB];
#pragma unroll
  for (int f = 0; f < FB; f++) acc[f] = (floatV)(0.0f);

  for (int c = 0; c < CG; c++) {
#pragma unroll
    for (int ky = 0; ky < KH; ky++) {
      const int yy = oy * SH - PH + ky * DH;
      if (yy < 0 || yy >= H) continue;
      __global const float* row = image + (c * H + yy) * W;
      float seg[SEG];
      if (xs >= 0 && xs + SEG <= W) {
#pragma unroll
        for (int s = 0; s < SEG; s++) seg[s] = row[xs + s];
      } else {
#pragma unroll
        for (int s = 0; s < SEG; s++) {
          const int xx = xs + s;
          seg[s] = (xx >= 0 && xx < W) ? row[xx] : 0.0f;
        }
      }
#pragma unroll
      for (int kx = 0; kx < KW; kx++) {
        float lanes[VW];
#pragma unroll
        for (int j = 0; j < VW; j++) lanes[j] = seg[kx * DW + j * SW];
        const floatV v = vloadV(0, lanes);
        __global const float* tap = wf + (c * KH + ky) * KW + kx;
#pragma unroll
        for (int f = 0; f < FB; f++) acc[f] = fma((floatV)(tap[f * CG * KH * KW]), v, acc[f]);
      }
    }
  }

  __global float* out = y + yo + ((img * F + f0) * OH + oy) * OW + ox0;
#pragma unroll
  for (int f = 0; f < FB; f++) {
    floatV r = acc[f];
    if (has_bias) r += (floatV)(bias[bo + f0 + f]);
    r = activate(r, kind, alpha);
    if (ox0 + VW <= OW) {
      vstoreV(r, 0, out + f * OH * OW);
    } else {
      float lanes[VW];
      vstoreV(r, 0, lanes);
      for (int j = 0; j < OW - ox0; j++) out[f * OH * OW + j] = lanes[j];
    }
  }
}

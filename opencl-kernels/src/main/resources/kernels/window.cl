// im2col and col2im over a sliding window (io.vigil.engine.backend.Window2d): C x H x W images,
// kernel KH x KW, stride SH/SW, zero padding PH/PW, dilation DH/DW, output OH x OW.
//
// Variants: im2col (one work item per row of a column matrix and output row oy: it writes OW
// values), col2im (one work item per image row: it zeroes the row, then adds the column entries
// that map onto it in the order the CPU adds them, so no atomics and the same sum).
// Work items own whole rows because integer division by run-time values is slow on CPUs (PoCL
// cannot vectorise it): the index arithmetic is paid once per row, not once per value.
// Tuning parameters: none (launch work-group size LOCAL from kernels/tuning.txt).

#define WINDOW_PARAMS                                                                          \
  const int C, const int H, const int W, const int KH, const int KW, const int SH, const int SW, \
      const int PH, const int PW, const int DH, const int DW, const int OH, const int OW

// cols[img][(c*KH + dy)*KW + dx][oy*OW + ox] = x[img][c][oy*SH - PH + dy*DH][ox*SW - PW + dx*DW]
// Work item: (img, row, oy), images * C*KH*KW * OH of them.
__kernel void im2col(__global const float* x, const int xo, __global float* cols, const int co,
                     const int images, WINDOW_PARAMS) {
  const int id = get_global_id(0);
  const int patch = C * KH * KW;
  if (id >= images * patch * OH) return;
  const int oy = id % OH;
  const int row = (id / OH) % patch;
  const int img = id / (OH * patch);
  const int c = row / (KH * KW);
  const int dy = (row / KW) % KH;
  const int dx = row % KW;
  const int y = oy * SH - PH + dy * DH;
  __global float* out = cols + co + id * OW;
  if (y < 0 || y >= H) {
    for (int ox = 0; ox < OW; ox++) out[ox] = 0.0f;
    return;
  }
  __global const float* in = x + xo + ((img * C + c) * H + y) * W;
  for (int ox = 0; ox < OW; ox++) {
    const int xx = ox * SW - PW + dx * DW;
    out[ox] = (xx >= 0 && xx < W) ? in[xx] : 0.0f;
  }
}

// Work item: (img, c, y), images * C * H of them.
__kernel void col2im(__global const float* cols, const int co, __global float* x, const int xo,
                     const int images, WINDOW_PARAMS) {
  const int id = get_global_id(0);
  if (id >= images * C * H) return;
  const int y = id % H;
  const int c = (id / H) % C;
  const int img = id / (H * C);
  const int positions = OH * OW;
  __global const float* col = cols + co + img * (C * KH * KW * positions);
  __global float* out = x + xo + id * W;
  for (int xx = 0; xx < W; xx++) out[xx] = 0.0f;
  for (int dy = 0; dy < KH; dy++) {
    const int ty = y + PH - dy * DH;
    if (ty < 0 || ty % SH != 0 || ty / SH >= OH) continue;
    const int oy = ty / SH;
    for (int dx = 0; dx < KW; dx++) {
      __global const float* src = col + ((c * KH + dy) * KW + dx) * positions + oy * OW;
      for (int ox = 0; ox < OW; ox++) {
        const int xx = ox * SW - PW + dx * DW;
        if (xx >= 0 && xx < W) out[xx] += src[ox];
      }
    }
  }
}

// Max pooling for inference (io.vigil.engine.backend.Backend#maxPoolValues): the values of
// max_pool_forward in pool.cl, without the switches, with the window compiled in.
//
// Variants: max_pool_values, one work item per output value, 3-D launch (OW, OH, images * C): no
// integer division at run time, and with the window sizes constant the compiler unrolls the window
// and, when CLIPPED is 0, drops the bounds checks. Built once per window shape with -D options:
// H, W (input plane), KH, KW, SH, SW, PH, PW; CLIPPED (1 when some window reaches past the image:
// padding, or a last window that is cut off). Padding cells never win; the first maximum in row
// order wins, as on the CPU (a NaN in first place stays, a later NaN never wins).
// Tuning parameters: none.

__kernel void max_pool_values(__global const float* x, const int xo, __global float* y,
                              const int yo) {
  const int ox = get_global_id(0);
  const int oy = get_global_id(1);
  const int plane = get_global_id(2);
  const int y0 = oy * SH - PH;
  const int x0 = ox * SW - PW;
  __global const float* in = x + xo + plane * (H * W);
  float best = -INFINITY;
  int first = 1;
#pragma unroll
  for (int ky = 0; ky < KH; ky++) {
#pragma unroll
    for (int kx = 0; kx < KW; kx++) {
      const int yy = y0 + ky;
      const int xx = x0 + kx;
      if (!CLIPPED || (yy >= 0 && yy < H && xx >= 0 && xx < W)) {
        const float v = in[yy * W + xx];
        if (v > best || first) best = v;
        first = 0;
      }
    }
  }
  y[yo + (plane * get_global_size(1) + oy) * get_global_size(0) + ox] = best;
}

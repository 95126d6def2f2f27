// GEMM: C_b = alpha * op(A_b) * op(B_b) + beta * C_b for b in [0, batch), row-major, with leading
// dimensions and batch strides (the engine's GemmOp).
//
// Kernels:
//   gemm_vec     register-blocked: each work item keeps GEMM_RM rows x GEMM_VW columns of C in
//                GEMM_RM vector registers (floatGEMM_VW), loads one vector of a B row and
//                broadcasts one A value per row per step of k. Columns past n (the last block)
//                take a scalar path through a private array. What PoCL runs fast: the vectors map
//                to AVX/AVX-512 registers (GPU-style local-memory tiles ran 10x slower there).
//                Launch: (ceil(m / RM), ceil(n / VW), parts); work item z sums images z, z + parts,
//                ... of the `images` products into C_z (C + z * strideC). Reads A and B in place,
//                or from panels made by pack_a / pack_b (variants PACK_A, PACK_B).
//   gemm_nt      for B stored transposed (n x k) and A not (the weight gradient of a convolution,
//                the forward of a linear layer): each work item computes GEMM_DOT x GEMM_DOT dot
//                products of rows of A and rows of B, both read along k in vectors of GEMM_VW,
//                with a scalar tail when k is not a multiple of GEMM_VW. Same launch and parts as
//                gemm_vec with blocks of GEMM_DOT x GEMM_DOT.
//   reduce_parts C = alpha * sum_z W_z + beta * C over `parts` partial products (a product summed
//                over a batch is split into parts so that small C still fills the device).
//   pack_a       op(A) in panels of GEMM_RM rows: panel i holds A(i*RM + r, p) at [p * RM + r], 0
//                past m. Launch (k, ceil(m / RM), images).
//   pack_b       op(B) in panels of GEMM_VW columns: panel j holds B(p, j*VW + s) at [p * VW + s],
//                0 past n. Launch (k, ceil(n / VW), images).
//                Why panels: a work item of gemm_vec walks k down GEMM_RM rows of op(A) and
//                GEMM_VW columns of op(B). Stored transposed, each step of that walk reads across
//                GEMM_RM (or GEMM_VW) rows of memory, 4 KiB apart at 1024; a panel is one
//                contiguous run. The host packs only transposed operands (row-major B in place
//                measured as fast as packed once the loops below were unrolled).
// Every loop over a register block carries #pragma unroll and accumulates with fma: without them
// PoCL kept the accumulators in a stack array (load, multiply, add, store per step) and ran at a
// third of the speed.
// Variants (build options, one program each):
//   TRANS_A  0/1   A is stored m x k (0) or k x m (1)
//   TRANS_B  0/1   B is stored k x n (0) or n x k (1); pack_b only (gemm_vec reads B row-major)
//   PACK_A   0/1   gemm_vec reads A from pack_a's panels (then TRANS_A does not matter to it)
//   PACK_B   0/1   gemm_vec reads B from pack_b's panels
// Tuning parameters (kernels/tuning.txt):
//   GEMM_RM  rows of C per work item (register block height)
//   GEMM_VW  columns of C per work item: the vector width, 4, 8 or 16
//   GEMM_DOT rows and columns of C per work item of gemm_nt

#ifndef TRANS_A
#define TRANS_A 0
#endif
#ifndef TRANS_B
#define TRANS_B 0
#endif
#ifndef PACK_A
#define PACK_A 0
#endif
#ifndef PACK_B
#define PACK_B 0
#endif
#ifndef GEMM_RM
#define GEMM_RM 4
#endif
#ifndef GEMM_VW
#define GEMM_VW 8
#endif

#ifndef GEMM_DOT
#define GEMM_DOT 2
#endif

#if GEMM_VW == 16
#define floatV float16
#define HSUM(v) hsum8((v).lo + (v).hi)
#define VLOAD vload16
#define VSTORE vstore16
#elif GEMM_VW == 8
#define floatV float8
#define HSUM(v) hsum8(v)
#define VLOAD vload8
#define VSTORE vstore8
#elif GEMM_VW == 4
#define floatV float4
#define HSUM(v) hsum4(v)
#define VLOAD vload4
#define VSTORE vstore4
#else
#error GEMM_VW must be 4, 8 or 16
#endif

inline float hsum4(const float4 v) {
  const float2 h = v.lo + v.hi;
  return h.x + h.y;
}

inline float hsum8(const float8 v) {
  return hsum4(v.lo + v.hi);
}

#if TRANS_A
#define A_AT(i, p) A[(p) * lda + (i)]
#else
#define A_AT(i, p) A[(i) * lda + (p)]
#endif

#if TRANS_B
#define B_AT(p, j) B[(j) * ldb + (p)]
#else
#define B_AT(p, j) B[(p) * ldb + (j)]
#endif

// Row r of this work item's block at step p of k: from its panel or in place.
#if PACK_A
#define A_ROW(r, p) A[(p) * GEMM_RM + (r)]
#else
#define A_ROW(r, p) A_AT(rows[r], p)
#endif

__kernel void gemm_vec(const int m, const int n, const int k, const float alpha, const float beta,
                       __global const float* a, const int aOff, const int lda, const int strideA,
                       __global const float* b, const int bOff, const int ldb, const int strideB,
                       __global float* c, const int cOff, const int ldc, const int strideC,
                       const int images) {
  // Rows run along dimension 0 so that consecutive work items reuse the same strip of B from cache.
  const int i0 = get_global_id(0) * GEMM_RM;
  const int j0 = get_global_id(1) * GEMM_VW;
  const int z = get_global_id(2);
  const int parts = get_global_size(2);
  const int cols = min(GEMM_VW, n - j0);
  int rows[GEMM_RM];
  floatV acc[GEMM_RM];
  #pragma unroll
  for (int r = 0; r < GEMM_RM; r++) {
    rows[r] = min(i0 + r, m - 1);
    acc[r] = (floatV)(0.0f);
  }
  for (int img = z; img < images; img += parts) {
#if PACK_A
    __global const float* A = a + aOff + img * strideA + get_global_id(0) * k * GEMM_RM;
#else
    __global const float* A = a + aOff + img * strideA;
#endif
#if PACK_B
    // Panels are padded with zeros: every step loads a whole vector.
    __global const float* B = b + bOff + img * strideB + get_global_id(1) * k * GEMM_VW;
    for (int p = 0; p < k; p++) {
      const floatV bv = VLOAD(0, B + p * GEMM_VW);
      #pragma unroll
      for (int r = 0; r < GEMM_RM; r++) {
        acc[r] = fma((floatV)(A_ROW(r, p)), bv, acc[r]);
      }
    }
#else
    __global const float* B = b + bOff + img * strideB + j0;
    if (cols == GEMM_VW) {
      for (int p = 0; p < k; p++) {
        const floatV bv = VLOAD(0, B + p * ldb);
        #pragma unroll
        for (int r = 0; r < GEMM_RM; r++) {
          acc[r] = fma((floatV)(A_ROW(r, p)), bv, acc[r]);
        }
      }
    } else {
      for (int p = 0; p < k; p++) {
        float t[GEMM_VW];
        #pragma unroll
        for (int s = 0; s < GEMM_VW; s++) {
          t[s] = s < cols ? B[p * ldb + s] : 0.0f;
        }
        const floatV bv = VLOAD(0, t);
        #pragma unroll
        for (int r = 0; r < GEMM_RM; r++) {
          acc[r] = fma((floatV)(A_ROW(r, p)), bv, acc[r]);
        }
      }
    }
#endif
  }
  __global float* C = c + cOff + z * strideC;
  #pragma unroll
  for (int r = 0; r < GEMM_RM; r++) {
    const int i = i0 + r;
    if (i >= m) break;
    __global float* row = C + i * ldc + j0;
    // beta = 0 must not read C (BLAS semantics: C may hold garbage).
    if (cols == GEMM_VW) {
      floatV v = alpha * acc[r];
      if (beta != 0.0f) v += beta * VLOAD(0, row);
      VSTORE(v, 0, row);
    } else {
      float t[GEMM_VW];
      VSTORE(acc[r], 0, t);
      for (int s = 0; s < cols; s++) {
        row[s] = alpha * t[s] + (beta == 0.0f ? 0.0f : beta * row[s]);
      }
    }
  }
}

__kernel void gemm_nt(const int m, const int n, const int k, const float alpha, const float beta,
                      __global const float* a, const int aOff, const int lda, const int strideA,
                      __global const float* b, const int bOff, const int ldb, const int strideB,
                      __global float* c, const int cOff, const int ldc, const int strideC,
                      const int images) {
  const int i0 = get_global_id(0) * GEMM_DOT;
  const int j0 = get_global_id(1) * GEMM_DOT;
  const int z = get_global_id(2);
  const int parts = get_global_size(2);
  const int kv = k / GEMM_VW * GEMM_VW;
  int rows[GEMM_DOT];
  int cols[GEMM_DOT];
  floatV acc[GEMM_DOT][GEMM_DOT];
  float tail[GEMM_DOT][GEMM_DOT];
  #pragma unroll
  for (int r = 0; r < GEMM_DOT; r++) {
    rows[r] = min(i0 + r, m - 1);
    cols[r] = min(j0 + r, n - 1);
    #pragma unroll
    for (int s = 0; s < GEMM_DOT; s++) {
      acc[r][s] = (floatV)(0.0f);
      tail[r][s] = 0.0f;
    }
  }
  for (int img = z; img < images; img += parts) {
    __global const float* A = a + aOff + img * strideA;
    __global const float* B = b + bOff + img * strideB;
    for (int p = 0; p < kv; p += GEMM_VW) {
      floatV av[GEMM_DOT];
      #pragma unroll
      for (int r = 0; r < GEMM_DOT; r++) {
        av[r] = VLOAD(0, A + rows[r] * lda + p);
      }
      #pragma unroll
      for (int s = 0; s < GEMM_DOT; s++) {
        const floatV bv = VLOAD(0, B + cols[s] * ldb + p);
        #pragma unroll
        for (int r = 0; r < GEMM_DOT; r++) {
          acc[r][s] = fma(av[r], bv, acc[r][s]);
        }
      }
    }
    for (int p = kv; p < k; p++) {
      #pragma unroll
      for (int r = 0; r < GEMM_DOT; r++) {
        #pragma unroll
        for (int s = 0; s < GEMM_DOT; s++) {
          tail[r][s] = fma(A[rows[r] * lda + p], B[cols[s] * ldb + p], tail[r][s]);
        }
      }
    }
  }
  __global float* C = c + cOff + z * strideC;
  #pragma unroll
  for (int r = 0; r < GEMM_DOT; r++) {
    const int i = i0 + r;
    #pragma unroll
    for (int s = 0; s < GEMM_DOT; s++) {
      const int j = j0 + s;
      if (i < m && j < n) {
        const float v = alpha * (HSUM(acc[r][s]) + tail[r][s]);
        C[i * ldc + j] = v + (beta == 0.0f ? 0.0f : beta * C[i * ldc + j]);
      }
    }
  }
}

// C[i][j] = alpha * sum_z W[z][i][j] + beta * C[i][j]; W parts are packed m x n.
__kernel void reduce_parts(__global const float* w, const int parts, const int m, const int n,
                           const float alpha, const float beta, __global float* c, const int cOff,
                           const int ldc) {
  const int idx = get_global_id(0);
  if (idx >= m * n) return;
  float sum = 0.0f;
  for (int z = 0; z < parts; z++) sum += w[z * m * n + idx];
  __global float* at = c + cOff + (idx / n) * ldc + idx % n;
  *at = alpha * sum + (beta == 0.0f ? 0.0f : beta * *at);
}

// Panels of GEMM_RM rows of op(A_img), k x RM each, zero past m; see the comment at the top.
__kernel void pack_a(__global const float* a, const int aOff, const int lda, const int strideA,
                     const int m, const int k, __global float* out) {
  const int p = get_global_id(0);
  const int block = get_global_id(1);
  const int img = get_global_id(2);
  __global const float* A = a + aOff + img * strideA;
  __global float* panel =
      out + ((size_t)(img * get_global_size(1) + block) * k + p) * GEMM_RM;
  #pragma unroll
  for (int r = 0; r < GEMM_RM; r++) {
    const int i = block * GEMM_RM + r;
    panel[r] = i < m ? A_AT(i, p) : 0.0f;
  }
}

// Panels of GEMM_VW columns of op(B_img), k x VW each, zero past n; see the comment at the top.
__kernel void pack_b(__global const float* b, const int bOff, const int ldb, const int strideB,
                     const int k, const int n, __global float* out) {
  const int p = get_global_id(0);
  const int block = get_global_id(1);
  const int img = get_global_id(2);
  __global const float* B = b + bOff + img * strideB;
  __global float* panel =
      out + ((size_t)(img * get_global_size(1) + block) * k + p) * GEMM_VW;
  #pragma unroll
  for (int s = 0; s < GEMM_VW; s++) {
    const int j = block * GEMM_VW + s;
    panel[s] = j < n ? B_AT(p, j) : 0.0f;
  }
}

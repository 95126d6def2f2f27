package io.vigil.engine.backend.cpu;

/**
 * The per-thread buffers of {@link CpuWinograd}, grown to the largest layer seen so that steady
 * state allocates nothing (the pattern of the vector GEMM kernel's scratch).
 */
final class WinogradScratch {

  private static final ThreadLocal<WinogradScratch> SCRATCH =
      ThreadLocal.withInitial(WinogradScratch::new);

  private WinogradScratch() {}

  /** This thread's buffers. */
  static WinogradScratch get() {
    return SCRATCH.get();
  }

  /** The filter transforms of the call this thread made; its workers read them. */
  float[] u = new float[0];

  float[] v = new float[0];
  float[] m = new float[0];
  float[] work = new float[0];
  float[] zeros = new float[0];

  float[] u(int size) {
    if (u.length < size) {
      u = new float[size];
    }
    return u;
  }

  float[] v(int size) {
    if (v.length < size) {
      v = new float[size];
    }
    return v;
  }

  float[] m(int size) {
    if (m.length < size) {
      m = new float[size];
    }
    return m;
  }

  /** Work space and a zero row for blocks of {@code tiles} tiles of this geometry. */
  void fit(WinogradF23 transforms, WinogradTiles g, int tiles) {
    int size = transforms.workSize(g, tiles);
    if (work.length < size) {
      work = new float[size];
    }
    if (zeros.length < transforms.zeroRow(g)) {
      zeros = new float[transforms.zeroRow(g)];
    }
  }
}

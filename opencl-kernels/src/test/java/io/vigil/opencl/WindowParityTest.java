package io.vigil.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.PoolKind;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.IntTensor;
import io.vigil.engine.tensor.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * im2col/col2im and the pooling ops, forward and backward, equal the CPU ones over windows with
 * padding, strides that do not tile, overlaps, dilation and ceil rounding.
 */
class WindowParityTest {

  /** A window whose output size is rounded down, or up by one partial window when {@code ceil}. */
  static Window2d window(int c, int h, int w, int k, int s, int p, int d, boolean ceil) {
    int eff = k + (k - 1) * (d - 1);
    int outH = (h - eff + 2 * p) / s + 1 + (ceil && (h - eff + 2 * p) % s != 0 ? 1 : 0);
    int outW = (w - eff + 2 * p) / s + 1 + (ceil && (w - eff + 2 * p) % s != 0 ? 1 : 0);
    return new Window2d(c, h, w, k, k, s, s, p, p, d, d, outH, outW);
  }

  @ParameterizedTest(name = "n={0} c={1} {2}×{3} k={4} s={5} p={6} d={7}")
  @CsvSource({
    "1,1,1,1,1,1,0,1",
    "3,2,7,5,3,1,1,1",
    "2,3,11,13,5,2,2,1",
    "2,2,9,9,3,1,2,2",
    "1,5,8,6,2,3,0,1",
  })
  void im2colAndCol2imMatch(int n, int c, int h, int w, int k, int s, int p, int d) {
    Window2d win = window(c, h, w, k, s, p, d, false);
    Twin x = Twin.random(new Shape(n, c, h, w), n + c + h);
    Twin cols = Twin.zeros(new Shape(n, win.patchSize(), win.outH(), win.outW()));
    Twin dx = Twin.random(new Shape(n, c, h, w), 99);
    for (Backend b : new Backend[] {Twin.CPU, Twin.CL}) {
      b.im2col(x.on(b), win, cols.on(b));
      b.col2im(cols.on(b), win, dx.on(b));
    }
    cols.assertClose("im2col " + win);
    dx.assertClose("col2im " + win);
  }

  @ParameterizedTest(name = "n={0} c={1} {2}×{3} k={4} s={5} p={6} ceil={7}")
  @CsvSource({
    "1,1,1,1,1,1,0,false",
    "3,2,7,5,2,2,0,true",
    "2,3,13,11,3,2,1,false",
    "2,2,9,10,3,1,1,false",
    "1,3,6,7,3,2,0,true",
  })
  void poolingForwardAndBackwardMatch(
      int n, int c, int h, int w, int k, int s, int p, boolean ceil) {
    Window2d win = window(c, h, w, k, s, p, 1, ceil);
    Shape in = new Shape(n, c, h, w);
    Shape out = new Shape(n, c, win.outH(), win.outW());
    Twin x = Twin.random(in, h * 31L + w);
    Twin y = Twin.zeros(out);
    Twin dy = Twin.random(out, 5);
    Twin dx = Twin.random(in, 6);
    IntTensor[] switches = {
      Twin.CPU.allocateInts(out.size() + 2), Twin.CL.allocateInts(out.size() + 2)
    };
    for (Backend b : new Backend[] {Twin.CPU, Twin.CL}) {
      IntTensor sw = b == Twin.CPU ? switches[0] : switches[1];
      b.maxPoolForward(x.on(b), win, y.on(b), sw);
      b.maxPoolBackward(dy.on(b), sw, win, dx.on(b));
    }
    y.assertClose("max pool " + win);
    dx.assertClose("max pool backward " + win);
    float[] raw = switchesAsFloats(switches[1], out.size());
    int[] clSwitches = new int[out.size()];
    for (int i = 0; i < out.size(); i++) {
      clSwitches[i] = Float.floatToRawIntBits(raw[i]);
    }
    assertArrayEquals(
        java.util.Arrays.copyOf((int[]) switches[0].storage(), out.size()),
        clSwitches,
        "max pool switches");
    for (PoolKind kind : PoolKind.values()) {
      for (Backend b : new Backend[] {Twin.CPU, Twin.CL}) {
        b.poolForward(kind, x.on(b), win, y.on(b));
        b.poolBackward(kind, x.on(b), y.on(b), dy.on(b), win, dx.on(b));
      }
      y.assertClose(kind + " pool " + win);
      dx.assertClose(kind + " pool backward " + win);
    }
  }

  /** The raw bits of an int buffer, read through a float view of the same cl_mem. */
  private static float[] switchesAsFloats(IntTensor t, int count) {
    float[] raw = new float[count];
    Twin.CL.download(
        new io.vigil.engine.tensor.Tensor(
            Twin.CL, new Shape(1, count, 1, 1), (ClBuffer) t.storage(), 0),
        0,
        raw,
        0,
        count);
    return raw;
  }
}

package io.vigil.engine.backend;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link PoolTap} on the Vector API: a vector of outputs per step, the inputs gathered at the
 * window stride, the winners chosen by a mask (no branch to mispredict). 3×3/2 max pooling (ResNet,
 * AlexNet) goes from about 15 ns to a few per output. Needs {@code --add-modules
 * jdk.incubator.vector}; loaded by name only when it is there.
 */
final class VectorPoolTap implements PoolTap {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
  private static final int LANES = F.length();

  /** Strides up to this have a gather map; wider ones (rare) run the scalar loop. */
  private static final int MAX_STRIDE = 4;

  /** {@code LANE_OFFSETS[s][lane] = lane·s}: the gather map and the switch index step. */
  private static final int[][] LANE_OFFSETS = new int[MAX_STRIDE + 1][LANES];

  /** Declared after the constants its constructor reads. */
  static final VectorPoolTap INSTANCE = new VectorPoolTap();

  static {
    for (int s = 0; s <= MAX_STRIDE; s++) {
      for (int lane = 0; lane < LANES; lane++) {
        LANE_OFFSETS[s][lane] = lane * s;
      }
    }
  }

  private VectorPoolTap() {
    if (I.length() != LANES) {
      throw new IllegalStateException("float and int vectors differ in lanes on this CPU");
    }
  }

  @Override
  public void challenge(
      float[] x,
      int first,
      int stride,
      int firstIndex,
      float[] out,
      int o,
      int[] switches,
      int s,
      int lo,
      int hi) {
    int ox = lo;
    if (stride >= 1 && stride <= MAX_STRIDE) {
      int[] offsets = LANE_OFFSETS[stride];
      IntVector step = IntVector.fromArray(I, offsets, 0);
      for (; ox + LANES <= hi; ox += LANES) {
        FloatVector v =
            stride == 1
                ? FloatVector.fromArray(F, x, first + ox)
                : FloatVector.fromArray(F, x, first + ox * stride, offsets, 0);
        FloatVector best = FloatVector.fromArray(F, out, o + ox);
        VectorMask<Float> wins = v.compare(VectorOperators.GT, best);
        best.blend(v, wins).intoArray(out, o + ox);
        IntVector index = step.add(firstIndex + ox * stride);
        IntVector.fromArray(I, switches, s + ox)
            .blend(index, wins.cast(I))
            .intoArray(switches, s + ox);
      }
    }
    PoolTap.SCALAR.challenge(x, first, stride, firstIndex, out, o, switches, s, ox, hi);
  }
}

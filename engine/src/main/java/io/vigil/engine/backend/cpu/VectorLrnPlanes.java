package io.vigil.engine.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** {@link LrnPlanes} on the Vector API: a vector of positions at a time. */
final class VectorLrnPlanes implements LrnPlanes {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  static final VectorLrnPlanes INSTANCE = new VectorLrnPlanes();

  private VectorLrnPlanes() {}

  @Override
  public void squares(float[] x, int src, int count, int plane, float[] sums) {
    int lanes = S.length();
    int q = 0;
    for (; q <= plane - lanes; q += lanes) {
      // 0 + x₀² + x₁² + …: a multiply then an add per channel, as the plain loop rounds them.
      FloatVector acc = FloatVector.zero(S);
      for (int j = 0; j < count; j++) {
        FloatVector v = FloatVector.fromArray(S, x, src + j * plane + q);
        acc = acc.add(v.mul(v));
      }
      acc.intoArray(sums, q);
    }
    for (; q < plane; q++) {
      float acc = 0f;
      for (int j = 0; j < count; j++) {
        float v = x[src + j * plane + q];
        acc += v * v;
      }
      sums[q] = acc;
    }
  }

  @Override
  public void threeQuarters(
      float[] x, int xo, float[] sums, float k, float alpha, float[] y, int yo, int plane) {
    int lanes = S.length();
    int q = 0;
    for (; q <= plane - lanes; q += lanes) {
      FloatVector scale = FloatVector.fromArray(S, sums, q).mul(alpha).add(k);
      FloatVector root = scale.mul(scale.sqrt()).sqrt();
      FloatVector.fromArray(S, x, xo + q).div(root).intoArray(y, yo + q);
    }
    for (; q < plane; q++) {
      float scale = k + alpha * sums[q];
      y[yo + q] = x[xo + q] / (float) Math.sqrt(scale * (float) Math.sqrt(scale));
    }
  }
}

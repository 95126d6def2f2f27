package io.vigil.engine.backend;

/**
 * The pooling reductions of {@link Backend#poolForward} other than max (which records switches and
 * has its own ops). Over each window {@code R} of {@code kH·kW} cells (padding cells count as
 * zeros):
 *
 * <pre>
 *   AVERAGE  y = (1 / (kH·kW)) Σ_{r∈R} x_r          dx_r += dy / (kH·kW)
 *   L2       y = sqrt(Σ_{r∈R} x_r²)                 dx_r += dy · x_r / y   (0 where y = 0)
 * </pre>
 *
 * AVERAGE divides by the full window size even where it overlaps the padding, as PyTorch's {@code
 * AvgPool2d} does by default ({@code count_include_pad=True}).
 */
public enum PoolKind {
  AVERAGE,
  L2
}

package io.vigil.engine.layer;

/**
 * What a sliding window does when {@code (W − F + 2P)/S + 1} is not an integer.
 *
 * <ul>
 *   <li>{@code EXACT} (the default): the layer is refused, naming the numbers, as the CS231n notes
 *       require — a window that does not tile its input is usually a mistake.
 *   <li>{@code FLOOR}: the last partial window is dropped, {@code ⌊(W − F + 2P)/S⌋ + 1} (PyTorch's
 *       default); the classic ResNet and GoogLeNet stems need it (224 → 112 with a 7×7/2 kernel).
 *   <li>{@code CEIL}: a last partial window is kept, {@code ⌈(W − F + 2P)/S⌉ + 1}, unless it would
 *       start in the right padding (PyTorch's {@code ceil_mode}); GoogLeNet's 3×3/2 max pools need
 *       it (112 → 56).
 * </ul>
 *
 * Stored in model files only when not {@code EXACT}, so older files read unchanged.
 */
public enum Rounding {
  EXACT,
  FLOOR,
  CEIL;

  /** Jackson value filter: leaves the default out of the JSON. */
  static final class ExactFilter {
    @Override
    @SuppressWarnings("EqualsHashCode")
    public boolean equals(Object value) {
      return value == null || value == EXACT;
    }

    @Override
    public int hashCode() {
      return 0;
    }
  }
}

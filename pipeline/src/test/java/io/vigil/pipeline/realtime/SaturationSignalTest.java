package io.vigil.pipeline.realtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Each buffer drop buys a bounded number of sheds; none without a drop. */
class SaturationSignalTest {

  @Test
  void sheddingFollowsDropsWithoutPilingUp() {
    SaturationSignal signal = new SaturationSignal(2);
    assertFalse(signal.shedNext(), "no drop yet, nothing to shed");
    for (int i = 0; i < 5; i++) {
      signal.bufferDropped();
    }
    // Five drops in a burst still shed only two frames: credits do not pile up.
    assertTrue(signal.shedNext());
    assertTrue(signal.shedNext());
    assertFalse(signal.shedNext());
    signal.bufferDropped();
    assertTrue(signal.shedNext());
  }

  @Test
  void zeroPerDropNeverSheds() {
    SaturationSignal signal = new SaturationSignal(0);
    signal.bufferDropped();
    assertFalse(signal.shedNext());
    assertThrows(IllegalArgumentException.class, () -> new SaturationSignal(-1));
  }
}

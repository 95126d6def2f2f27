package io.vigil.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The leak net logs the first leak at once and then at most once per interval, counting all. */
class ClLeakNetTest {

  @Test
  void reportsTheFirstLeakThenAtMostOncePerIntervalAndCountsEvery() {
    AtomicLong now = new AtomicLong(1_000);
    ClLeakNet net = new ClLeakNet("test device", now::get);
    assertTrue(net.report("tensor 1×6×28×28", 18_816), "the first leak is logged at once");
    now.addAndGet(ClLeakNet.INTERVAL_NANOS - 1);
    assertFalse(net.report("tensor 1×6×28×28", 18_816), "within the interval: counted only");
    assertFalse(net.report("int tensor of 8", 32));
    now.addAndGet(1);
    assertTrue(net.report("tensor 1×10×1×1", 40), "an interval later: logged with the count");
    assertEquals(4, net.count());
  }
}

package io.vigil.opencl;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The transfer slots of one backend not yet closed, so that the backend closes them before its
 * queues: a slot waits for its batch and unmaps its staging while the queues live. Held weakly: a
 * slot dropped without being closed leaves by itself. Callers hold the backend's lock.
 */
final class ClTransferSlots {

  private final Set<ClTransferSlot> open = Collections.newSetFromMap(new WeakHashMap<>());

  void add(ClTransferSlot slot) {
    open.add(slot);
  }

  void remove(ClTransferSlot slot) {
    open.remove(slot);
  }

  /** Closes every open slot, all of them even after a failure, and throws the first failure. */
  void closeAll() {
    RuntimeException failed = null;
    for (ClTransferSlot slot : List.copyOf(open)) {
      try {
        slot.close();
      } catch (RuntimeException e) {
        if (failed == null) {
          failed = e;
        } else {
          failed.addSuppressed(e);
        }
      }
    }
    if (failed != null) {
      throw failed;
    }
  }
}

package io.vigil.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What closing a tensor means: the buffer freed once, views borrowing it, derived values freed. */
class TensorCloseTest {

  private final CpuBackend cpu = CpuBackend.shared();

  /** Storage that counts its frees, as a device buffer would release its memory. */
  private static final class CountingStorage implements Tensor.Storage {
    int frees;

    @Override
    public int capacity() {
      return 24;
    }

    @Override
    public void free() {
      frees++;
    }
  }

  @Test
  void closeFreesTheBufferOnceAndIsIdempotent() {
    CountingStorage storage = new CountingStorage();
    Tensor t = new Tensor(cpu, new Shape(2, 3, 2, 2), storage, 0);
    t.close();
    t.close();
    assertEquals(1, storage.frees);
    assertTrue(t.isClosed());
  }

  @Test
  void aClosedTensorFailsNamingItsShapeAndBackend() {
    Tensor t = cpu.allocate(new Shape(2, 3, 4, 4));
    t.close();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> cpu.fill(t, 1f), "an op on it");
    assertTrue(e.getMessage().contains("Tensor[2×3×4×4 on "), e.getMessage());
    assertTrue(e.getMessage().contains(cpu.name()), e.getMessage());
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> cpu.download(t, 0, new float[96], 0, 96));
  }

  @Test
  void viewsBorrowTheBufferAndCloseWithTheirTensor() {
    CountingStorage storage = new CountingStorage();
    Tensor t = new Tensor(cpu, new Shape(2, 3, 2, 2), storage, 0);
    Tensor first = t.firstImages(1);
    Tensor second = t.images(1, 1);
    first.close();
    assertEquals(0, storage.frees, "closing a view frees nothing");
    assertFalse(t.isClosed());
    assertSame(storage, second.storage());
    t.close();
    assertEquals(1, storage.frees);
    assertTrue(first.isClosed() && second.isClosed());
    IllegalStateException e = assertThrows(IllegalStateException.class, second::storage);
    assertTrue(e.getMessage().contains(second.shape().toString()), e.getMessage());
  }

  /** A kept value that holds memory of its own, as device tensors of transformed filters do. */
  private static final class Kept implements AutoCloseable {
    boolean closed;

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void derivedValuesAreFreedWhenDroppedReplacedOrTheirTensorCloses() {
    Tensor weights = cpu.allocate(new Shape(1, 1, 3, 3));
    Kept dropped = new Kept();
    weights.keepDerived(weights.version(), dropped);
    cpu.fill(weights, 1f);
    assertTrue(dropped.closed, "a write drops the kept value and frees it");
    assertNull(weights.derived());

    Kept replaced = new Kept();
    weights.keepDerived(weights.version(), replaced);
    weights.keepDerived(weights.version(), replaced);
    assertFalse(replaced.closed, "keeping the same value again keeps it");
    Kept last = new Kept();
    weights.keepDerived(weights.version(), last);
    assertTrue(replaced.closed, "a replaced value is freed");

    weights.close();
    assertTrue(last.closed, "closing the tensor frees what was derived from it");
  }

  @Test
  void intTensorsCloseLikeTensors() {
    IntTensor labels = cpu.allocateInts(4);
    labels.close();
    labels.close();
    assertTrue(labels.isClosed());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> cpu.uploadInts(new int[4], 0, labels, 4));
    assertTrue(e.getMessage().contains("IntTensor[4 on " + cpu.name()), e.getMessage());
  }

  @Test
  void aScopeClosesWhatItHoldsLastFirstAndGoesOnAfterAFailure() {
    List<String> closed = new ArrayList<>();
    TensorScope scope = new TensorScope();
    Tensor t = scope.add(cpu.allocate(new Shape(1, 1, 2, 2)));
    scope.add(() -> closed.add("a"));
    scope.add(
        () -> {
          throw new IllegalStateException("b failed");
        });
    scope.add(() -> closed.add("c"));
    IllegalStateException e = assertThrows(IllegalStateException.class, scope::close);
    assertEquals("b failed", e.getMessage());
    assertEquals(List.of("c", "a"), closed, "the ones after the failure still close");
    assertTrue(t.isClosed());
    scope.close();
    assertEquals(2, closed.size(), "closing twice closes nothing twice");

    Tensor late = cpu.allocate(new Shape(1, 1, 1, 1));
    assertThrows(IllegalStateException.class, () -> scope.add(late));
    assertTrue(late.isClosed(), "what is added to a closed scope is freed, not leaked");
  }
}

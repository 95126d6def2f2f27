package io.vigil.engine.backend;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.tensor.IntTensor;
import io.vigil.engine.tensor.Tensor;
import io.vigil.engine.tensor.TensorScope;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How an optional op of {@link Backend} runs on a backend that does not override it: its operands
 * are downloaded into tensors of the CPU backend, the CPU backend runs the op, and what the op
 * writes is uploaded back. Only core ops of the device are called (downloads and uploads), so a
 * backend with the core alone runs every network; every operand crosses twice, which is why a
 * backend overrides each op it can run where its tensors are.
 *
 * <p>A device tensor passed twice maps to one host copy, so that ops in place stay in place.
 * Tensors the op writes are downloaded too: some ops accumulate into them or write only part of
 * them.
 */
final class HostRoundTrip {

  private final Backend device;
  private final Backend host = CpuBackend.shared();
  private final Map<Object, Object> copies = new IdentityHashMap<>();
  private final List<Runnable> writeBacks = new ArrayList<>();

  /** The host copies: temporaries of one op, freed when it is done. */
  private final TensorScope temporaries = new TensorScope();

  private HostRoundTrip(Backend device) {
    this.device = device;
  }

  /** Runs {@code op} on the host over the copies it asks for, then uploads what it wrote. */
  static void run(Backend device, Consumer<HostRoundTrip> op) {
    HostRoundTrip trip = new HostRoundTrip(device);
    try (trip.temporaries) {
      op.accept(trip);
      trip.writeBacks.forEach(Runnable::run);
    }
  }

  /** The backend that runs the op. */
  Backend host() {
    return host;
  }

  /** A host copy of {@code t} that the op reads; null for null. */
  Tensor in(Tensor t) {
    if (t == null) {
      return null;
    }
    Tensor copy = (Tensor) copies.get(t);
    if (copy == null) {
      float[] values = new float[t.size()];
      device.download(t, 0, values, 0, values.length);
      copy = temporaries.add(host.allocate(t.shape()));
      host.upload(values, 0, copy, 0, values.length);
      copies.put(t, copy);
    }
    return copy;
  }

  /** As {@link #in}, for a tensor the op writes: uploaded back into {@code t} afterwards. */
  Tensor out(Tensor t) {
    Tensor copy = in(t);
    if (t != null) {
      writeBacks.add(
          () -> {
            float[] values = new float[t.size()];
            host.download(copy, 0, values, 0, values.length);
            device.upload(values, 0, t, 0, values.length);
          });
    }
    return copy;
  }

  /** A host copy of the int tensor {@code t} that the op reads. */
  IntTensor in(IntTensor t) {
    IntTensor copy = (IntTensor) copies.get(t);
    if (copy == null) {
      int[] values = new int[t.length()];
      device.downloadInts(t, values, 0, values.length);
      copy = temporaries.add(host.allocateInts(t.length()));
      host.uploadInts(values, 0, copy, values.length);
      copies.put(t, copy);
    }
    return copy;
  }

  /** As {@link #in(IntTensor)}, for an int tensor the op writes. */
  IntTensor out(IntTensor t) {
    IntTensor copy = in(t);
    writeBacks.add(
        () -> {
          int[] values = new int[t.length()];
          host.downloadInts(copy, values, 0, values.length);
          device.uploadInts(values, 0, t, values.length);
        });
    return copy;
  }
}

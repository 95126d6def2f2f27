package io.vigil.engine.backend;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.tensor.IntTensor;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;

/**
 * A backend that implements only the core of {@link Backend}: every optional op runs its default.
 * Tensors live on the heap; each core op hands views of the same arrays to a CPU backend of its
 * own, so the core computes what the CPU backend computes, and what differs from the CPU backend is
 * only what the defaults make of the core. Open, so that a test can also record what it is asked
 * (as {@link #checkFits}).
 */
public class CoreOnlyBackend extends Backend {

  private final CpuBackend cpu = new CpuBackend(2);

  @Override
  public String name() {
    return "core-only";
  }

  /** The same values as a tensor of the CPU backend, for the core op to run on. */
  private Tensor cpu(Tensor t) {
    if (t.owner() != this) {
      throw new IllegalArgumentException(t + " is not owned by " + name());
    }
    return new Tensor(cpu, t.shape(), t.storage(), t.offset());
  }

  private IntTensor cpu(IntTensor t) {
    if (t.owner() != this) {
      throw new IllegalArgumentException("int tensor is not owned by " + name());
    }
    return new IntTensor(cpu, t.length(), t.storage());
  }

  @Override
  public Tensor allocate(Shape shape) {
    return new Tensor(this, shape, new Tensor.HostStorage(new float[shape.size()]), 0);
  }

  @Override
  public IntTensor allocateInts(int length) {
    return new IntTensor(this, length, new int[length]);
  }

  @Override
  protected void uploadUnchecked(
      float[] src, int srcOffset, Tensor dst, int dstOffset, int length) {
    cpu.upload(src, srcOffset, cpu(dst), dstOffset, length);
    dst.changed();
  }

  @Override
  protected void downloadUnchecked(
      Tensor src, int srcOffset, float[] dst, int dstOffset, int length) {
    cpu.download(cpu(src), srcOffset, dst, dstOffset, length);
  }

  @Override
  protected void uploadIntsUnchecked(int[] src, int srcOffset, IntTensor dst, int length) {
    cpu.uploadInts(src, srcOffset, cpu(dst), length);
  }

  @Override
  protected void downloadIntsUnchecked(IntTensor src, int[] dst, int dstOffset, int length) {
    cpu.downloadInts(cpu(src), dst, dstOffset, length);
  }

  @Override
  protected void copyUnchecked(Tensor src, Tensor dst) {
    cpu.copy(cpu(src), cpu(dst));
    dst.changed();
  }

  @Override
  public void fill(Tensor t, float value) {
    cpu.fill(cpu(t), value);
    t.changed();
  }

  @Override
  protected void gemmUnchecked(
      GemmOp op, Tensor a, int aOffset, Tensor b, int bOffset, Tensor c, int cOffset, Tensor ws) {
    cpu.gemm(op, cpu(a), aOffset, cpu(b), bOffset, cpu(c), cOffset, ws == null ? null : cpu(ws));
  }

  @Override
  public int gemmWorkspaceSize(GemmOp op) {
    return cpu.gemmWorkspaceSize(op);
  }

  @Override
  protected void axpyUnchecked(float a, Tensor x, Tensor y) {
    cpu.axpy(a, cpu(x), cpu(y));
    y.changed();
  }

  @Override
  public void scale(Tensor x, float a) {
    cpu.scale(cpu(x), a);
    x.changed();
  }

  @Override
  protected void im2colUnchecked(Tensor images, Window2d window, Tensor cols) {
    cpu.im2col(cpu(images), window, cpu(cols));
  }

  @Override
  protected void col2imUnchecked(Tensor cols, Window2d window, Tensor images) {
    cpu.col2im(cpu(cols), window, cpu(images));
  }

  @Override
  protected void activationUnchecked(ActivationKind kind, float alpha, Tensor in, Tensor out) {
    cpu.activation(kind, alpha, cpu(in), cpu(out));
  }

  @Override
  protected void activationBackwardUnchecked(
      ActivationKind kind, float alpha, Tensor in, Tensor out, Tensor dOut, Tensor dIn) {
    cpu.activationBackward(kind, alpha, cpu(in), cpu(out), cpu(dOut), cpu(dIn));
  }

  @Override
  protected void multiplyUnchecked(Tensor a, Tensor b, Tensor out) {
    cpu.multiply(cpu(a), cpu(b), cpu(out));
    out.changed();
  }
}

/**
 * The OpenCL backend of the engine, through LWJGL: host code here, kernels as {@code .cl} resources
 * under {@code kernels/}, found at run time with {@link java.util.ServiceLoader} (provider {@link
 * io.vigil.opencl.OpenClBackendProvider}) so the engine runs without it.
 *
 * <p>Layers: {@link io.vigil.opencl.OpenClLibrary} loads the ICD loader, {@link
 * io.vigil.opencl.OpenClDevices} lists and picks devices, {@link io.vigil.opencl.ClContext} holds a
 * context, an in-order queue for kernels and one for transfers, and the per-device program cache,
 * {@link io.vigil.opencl.OpenClBackend} implements every op of the engine's {@code Backend} with
 * kernels from {@code kernels/*.cl}, and {@link io.vigil.opencl.ClTransferSlot} stages the copies
 * of a batch in flight through pinned host memory on the transfer queue.
 */
package io.vigil.opencl;

/**
 * The OpenCL backend of the engine, through LWJGL: host code here, kernels as {@code .cl} resources
 * under {@code kernels/}, found at run time with {@link java.util.ServiceLoader} so the engine runs
 * without it.
 *
 * <p>Not built yet: the module exists so that the reactor, its dependencies (LWJGL with the Linux
 * natives) and the dependency direction ({@code opencl-kernels → engine}) are in place from the
 * start. The backend itself is the OpenCL issue's work.
 */
package io.vigil.opencl;

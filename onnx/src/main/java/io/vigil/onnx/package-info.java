/**
 * ONNX model files: import into vigil models and export of vigil models. The classes in package
 * {@code onnx} are generated at build time from {@code src/main/proto/onnx.proto}.
 */
package io.vigil.onnx;

package io.vigil.onnx;

import io.vigil.engine.io.AtomicFiles;
import io.vigil.engine.model.Model;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import onnx.Onnx.ModelProto;
import onnx.Onnx.OperatorSetIdProto;

/**
 * Writes vigil models as ONNX files that other runtimes (ONNX Runtime, OpenCV's DNN module) run to
 * the same outputs: the network's graph as its spec is written, weights as float32 initializers,
 * input {@code input} ({@code batch × C × H × W}), output {@code logits} ({@code batch × classes},
 * before softmax, as vigil's networks end), and the input contract and class names as metadata
 * (keys in {@link ExportMetadata}).
 *
 * <p>Opset 13 with IR version 7, the IR that opset 13 came with: old enough for OpenCV 4.6 and the
 * ONNX 1.12 checker, new enough for Softmax over one axis and Dropout's ratio as an input. Layers
 * ONNX cannot express exactly (a locally-connected layer, LeNet-5 1998's connection table and
 * trainable subsampling) are refused with an {@link OnnxFormatException} naming the layer.
 */
public final class OnnxExport {

  /** The ONNX operator set the exported graph uses. */
  public static final int OPSET = 13;

  /** The IR version written: opset 13's. */
  static final int IR_VERSION = 7;

  static final String PRODUCER = "vigil";

  private OnnxExport() {}

  /**
   * Writes {@code model} to {@code file} atomically: the model is converted in full before the file
   * is touched, then written to a temporary file beside it and renamed, so a failed export leaves
   * any old file as it was and no partial one.
   */
  public static void write(Model model, Path file) throws IOException, OnnxFormatException {
    byte[] bytes = toBytes(model);
    AtomicFiles.write(file, ByteBuffer.wrap(bytes));
  }

  /** {@code model} as the bytes of an ONNX file (a serialised ModelProto). */
  public static byte[] toBytes(Model model) throws OnnxFormatException {
    return toProto(model).toByteArray();
  }

  static ModelProto toProto(Model model) throws OnnxFormatException {
    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setProducerName(PRODUCER)
        .setDocString(model.version())
        .setGraph(ExportGraph.build(model))
        .addAllMetadataProps(ExportMetadata.of(model))
        .build();
  }
}

package io.vigil.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.StateTensor;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.network.Network;
import io.vigil.engine.zoo.ModelZoo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.ModelProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.ValueInfoProto;
import org.junit.jupiter.api.Test;

/**
 * What an exported file says besides its nodes, read back with the generated ONNX classes: the
 * header (IR, opset, producer), the input and output with their symbolic batch, the contract and
 * class names as metadata, and every weight as a little-endian float32 initializer.
 */
class OnnxExportMetadataTest {

  private static final List<String> CLASSES =
      List.of("T-shirt/top", "say \"hi\", twice", "naïve, ünïcode", "back\\slash");

  private static ModelProto export(Model model) throws Exception {
    return ModelProto.parseFrom(OnnxExport.toBytes(model));
  }

  private static Model rgb() {
    Network network =
        Network.builder(3, 6, 6)
            .add("conv", Conv2dSpec.of(2, 3, 1, 1))
            .add("fc", new LinearSpec(CLASSES.size()))
            .optSeed(9)
            .build();
    ExportFixtures.perturb(network, 9);
    return Model.create(
        "rgb-model_1.0",
        network,
        InputContract.perChannel(
            3, 6, 6, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}),
        CLASSES,
        ExportFixtures.PROVENANCE);
  }

  @Test
  void writesTheHeaderVigilPromises() throws Exception {
    ModelProto proto = export(rgb());
    assertEquals(7, proto.getIrVersion());
    assertEquals(1, proto.getOpsetImportCount());
    assertEquals("", proto.getOpsetImport(0).getDomain());
    assertEquals(13, proto.getOpsetImport(0).getVersion());
    assertEquals("vigil", proto.getProducerName());
    assertEquals("rgb-model_1.0", proto.getGraph().getName());
  }

  @Test
  void writesThePerChannelContractAndTheClassesAsJson() throws Exception {
    Map<String, String> meta = metadata(export(rgb()));
    assertEquals("rgb-model_1.0", meta.get("vigil.name"));
    assertEquals("0.485,0.456,0.406", meta.get("vigil.mean"));
    assertEquals("0.229,0.224,0.225", meta.get("vigil.std"));
    List<String> classes =
        new ObjectMapper()
            .readValue(meta.get("vigil.classes"), new TypeReference<List<String>>() {});
    assertEquals(CLASSES, classes);
  }

  @Test
  void uniformContractsAreWrittenOncePerChannel() throws Exception {
    // ExportFixtures.model gives RGB networks the uniform contract mean 0.5, std 0.25.
    Map<String, String> meta =
        metadata(export(ExportFixtures.model("layers", ExportFixtures.layers(1))));
    assertEquals("0.5,0.5,0.5", meta.get("vigil.mean"));
    assertEquals("0.25,0.25,0.25", meta.get("vigil.std"));
  }

  @Test
  void grayModelsHaveOneChannelOfContract() throws Exception {
    Map<String, String> meta = metadata(export(ExportFixtures.zoo("lenet5", 10, 1)));
    assertEquals(String.valueOf(ModelZoo.get("lenet5").input().mean()), meta.get("vigil.mean"));
    assertEquals(String.valueOf(ModelZoo.get("lenet5").input().std()), meta.get("vigil.std"));
  }

  @Test
  void inputAndOutputHaveASymbolicBatch() throws Exception {
    ModelProto proto = export(rgb());
    assertEquals(1, proto.getGraph().getInputCount(), "weights are not graph inputs");
    assertShape(proto.getGraph().getInput(0), "input", "batch", 3, 6, 6);
    assertEquals(1, proto.getGraph().getOutputCount());
    assertShape(proto.getGraph().getOutput(0), "logits", "batch", CLASSES.size());
  }

  @Test
  void everySavedTensorIsARawLittleEndianInitializerWithItsValues() throws Exception {
    Model model = ExportFixtures.zoo("vgg-small", 10, 4);
    ModelProto proto = export(model);
    Map<String, TensorProto> initializers = new HashMap<>();
    for (TensorProto t : proto.getGraph().getInitializerList()) {
      initializers.put(t.getName(), t);
    }
    Network network = model.network();
    for (StateTensor saved : network.savedTensors()) {
      TensorProto t = initializers.get(saved.name());
      assertTrue(t != null, "no initializer " + saved.name());
      assertEquals(TensorProto.DataType.FLOAT_VALUE, t.getDataType(), saved.name());
      assertEquals(0, t.getFloatDataCount(), saved.name() + ": values in raw_data only");
      assertEquals(
          saved.value().size(),
          t.getDimsList().stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b),
          saved.name() + " dims " + t.getDimsList());
      float[] expected = new float[saved.value().size()];
      network.backend().download(saved.value(), 0, expected, 0, expected.length);
      float[] actual = new float[expected.length];
      ByteBuffer.wrap(t.getRawData().toByteArray())
          .order(ByteOrder.LITTLE_ENDIAN)
          .asFloatBuffer()
          .get(actual);
      assertArrayEquals(expected, actual, saved.name());
    }
  }

  private static Map<String, String> metadata(ModelProto proto) {
    Map<String, String> meta = new HashMap<>();
    for (StringStringEntryProto e : proto.getMetadataPropsList()) {
      meta.put(e.getKey(), e.getValue());
    }
    return meta;
  }

  private static void assertShape(ValueInfoProto info, String name, String batch, int... dims) {
    assertEquals(name, info.getName());
    assertEquals(TensorProto.DataType.FLOAT_VALUE, info.getType().getTensorType().getElemType());
    List<TensorShapeProto.Dimension> shape = info.getType().getTensorType().getShape().getDimList();
    assertEquals(dims.length + 1, shape.size(), name + " rank");
    assertEquals(batch, shape.get(0).getDimParam(), name + " batch");
    for (int i = 0; i < dims.length; i++) {
      assertEquals(dims[i], shape.get(i + 1).getDimValue(), name + " dim " + (i + 1));
    }
  }
}

package io.vigil.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.layer.ConnectionTableConv2dSpec;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.LayerSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.LocallyConnected2dSpec;
import io.vigil.engine.layer.LrnSpec;
import io.vigil.engine.layer.Rounding;
import io.vigil.engine.layer.SubsamplingSpec;
import io.vigil.engine.model.Model;
import io.vigil.engine.network.Network;
import org.junit.jupiter.api.Test;

/**
 * Layers ONNX cannot express exactly are refused, and the message names the model, the layer, its
 * kind and what is missing: never an approximate file.
 */
class OnnxExportRefusalTest {

  /** A 1×6×6 network: {@code layer} (named {@code odd}) then a linear head. */
  private static Model with(LayerSpec layer) {
    Network network =
        Network.builder(1, 6, 6).add("odd", layer).add("fc", new LinearSpec(2)).build();
    return ExportFixtures.model("refused", network);
  }

  private static String refusal(LayerSpec layer) {
    Model model = with(layer);
    return assertThrows(OnnxFormatException.class, () -> OnnxExport.toBytes(model)).getMessage();
  }

  private static void assertMentions(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), "'" + part + "' missing from: " + message);
    }
  }

  @Test
  void locallyConnectedHasNoEquivalent() {
    assertMentions(
        refusal(LocallyConnected2dSpec.of(2, 3, 1, 0)),
        "cannot export model refused as ONNX",
        "layer odd (locally_connected2d) has no ONNX equivalent");
  }

  @Test
  void connectionTableHasNoEquivalent() {
    Network network =
        Network.builder(1, 10, 10)
            .add("c1", Conv2dSpec.of(6, 1, 1, 0))
            .add("c3", ConnectionTableConv2dSpec.leNetC3())
            .add("fc", new LinearSpec(2))
            .build();
    Model model = ExportFixtures.model("table", network);
    assertMentions(
        assertThrows(OnnxFormatException.class, () -> OnnxExport.toBytes(model)).getMessage(),
        "layer c3 (connection_table_conv2d) has no ONNX equivalent");
  }

  @Test
  void trainableSubsamplingHasNoEquivalent() {
    assertMentions(
        refusal(new SubsamplingSpec(2)), "layer odd (subsampling) has no ONNX equivalent");
  }

  @Test
  void aConvolutionThatKeepsAPartialWindowIsRefused() {
    // 6 + 0 − 3 = 3 is odd for stride 2: CEIL keeps a third, partial window.
    Conv2dSpec conv = new Conv2dSpec(2, 3, 3, 2, 2, 0, 0).withRounding(Rounding.CEIL);
    assertMentions(
        refusal(conv), "layer odd (conv2d) cannot be written as ONNX Conv (opset 13)", "ceil_mode");
  }

  @Test
  void aConvolutionWhoseRoundingChangesNothingIsWritten() throws Exception {
    // 6 + 2 − 3 = 5 is odd; FLOOR drops the partial window exactly as ONNX's Conv does.
    Conv2dSpec floor = new Conv2dSpec(2, 3, 3, 2, 2, 1, 1).withRounding(Rounding.FLOOR);
    assertTrue(OnnxExport.toBytes(with(floor)).length > 0);
  }

  @Test
  void lrnOfEvenSizeIsRefused() {
    assertMentions(
        refusal(new LrnSpec(4, 1e-4f, 0.75f, 2f)),
        "layer odd (lrn) cannot be written as ONNX LRN",
        "size = 4 is even");
  }
}

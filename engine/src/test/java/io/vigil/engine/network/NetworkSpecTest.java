package io.vigil.engine.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.ReluSpec;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.zoo.LeNet5;
import org.junit.jupiter.api.Test;

class NetworkSpecTest {

  @Test
  void graphRoundTripsThroughJson() throws Exception {
    NetworkSpec spec = LeNet5.create(1).spec();
    ObjectMapper mapper = new ObjectMapper();
    String json = mapper.writeValueAsString(spec);
    assertTrue(json.contains("\"type\":\"conv2d\""), json);
    assertEquals(spec, mapper.readValue(json, NetworkSpec.class));
  }

  @Test
  void lenet5HasTheTextbookShapesAndParameterCount() {
    Network net = LeNet5.create(1);
    assertEquals(new Shape(1, 10, 1, 1), net.outputShape());
    int count = net.parameters().stream().mapToInt(p -> p.value().size()).sum();
    assertEquals(61_706, count);
  }

  @Test
  void sameSeedSameWeights() {
    float[] a = weights(LeNet5.create(9));
    float[] b = weights(LeNet5.create(9));
    assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
  }

  @Test
  void impossibleLayerIsNamedAtBuildTime() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Network.builder(1, 10, 10)
                    .add("conv1", Conv2dSpec.of(4, 3, 2, 0))
                    .add("relu", new ReluSpec())
                    .add("fc", new LinearSpec(2))
                    .build());
    assertTrue(e.getMessage().startsWith("conv1: height"), e.getMessage());
  }

  @Test
  void unknownInputNameIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Network.builder(1, 4, 4).add("fc", new LinearSpec(2), "nowhere").build());
    assertTrue(e.getMessage().contains("'nowhere'"), e.getMessage());
  }

  private static float[] weights(Network net) {
    var p = net.parameters().get(0).value();
    float[] v = new float[p.size()];
    net.backend().download(p, 0, v, 0, v.length);
    return v;
  }
}

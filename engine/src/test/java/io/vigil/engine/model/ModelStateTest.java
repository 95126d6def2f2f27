package io.vigil.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.vigil.engine.layer.BatchNormSpec;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.DropoutSpec;
import io.vigil.engine.layer.FlattenSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.StateTensor;
import io.vigil.engine.network.Network;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch normalisation's running statistics are state, not parameters: the optimizer never sees
 * them, model files store them after the parameters, and a loaded model predicts with them.
 */
class ModelStateTest {

  @TempDir Path dir;

  private static Network network() {
    return Network.builder(1, 6, 6)
        .add("conv", Conv2dSpec.of(3, 3, 1, 1).withoutBias())
        .add("bn", BatchNormSpec.defaults())
        .add("drop", new DropoutSpec(0.3f))
        .add("flatten", new FlattenSpec())
        .add("fc", new LinearSpec(2))
        .optSeed(3)
        .build();
  }

  @Test
  void runningStatisticsAreSavedLoadedAndUsed() throws IOException {
    Network net = network();
    assertEquals(
        List.of("conv.weight", "bn.weight", "bn.bias", "fc.weight", "fc.bias"),
        net.parameters().stream().map(p -> p.name()).toList());
    assertEquals(
        List.of("bn.running_mean", "bn.running_var"),
        net.state().stream().map(StateTensor::name).toList());
    Shape batch = new Shape(4, 1, 6, 6);
    Tensor x = net.backend().allocate(batch);
    float[] xv = new float[batch.size()];
    Random random = new Random(9);
    for (int i = 0; i < xv.length; i++) {
      xv[i] = (float) (3 + 2 * random.nextGaussian());
    }
    net.backend().upload(xv, 0, x, 0, xv.length);
    for (int i = 0; i < 3; i++) {
      net.forward(x, true);
    }
    float[] mean = values(net, net.state().get(0).value());
    assertNotEquals(0f, mean[0]);
    Model model =
        Model.create(
            "bn-net",
            net,
            new InputContract(1, 6, 6, 0f, 1f),
            List.of("a", "b"),
            new Provenance("test", 0, 0.0, null, "2026-11-24T00:00:00Z", "test"));
    float[] before = values(net, net.newExecutor(4, false).forward(x, false));
    Path file = dir.resolve("bn" + ModelFile.EXTENSION);
    ModelFile.save(model, file);
    Model loaded = ModelFile.load(file);
    assertEquals(model.version(), loaded.version());
    Network back = loaded.network();
    assertArrayEquals(mean, values(back, back.state().get(0).value()));
    assertArrayEquals(
        values(net, net.state().get(1).value()), values(back, back.state().get(1).value()));
    assertArrayEquals(before, values(back, back.newExecutor(4, false).forward(x, false)), 1e-6f);
  }

  @Test
  void runningStatisticsChangeTheVersion() {
    Network a = network();
    Network b = network();
    b.backend().fill(b.state().get(1).value(), 2f);
    InputContract in = new InputContract(1, 6, 6, 0f, 1f);
    Provenance p = new Provenance("test", 0, 0.0, null, "2026-11-24T00:00:00Z", "test");
    assertNotEquals(
        Model.create("m", a, in, List.of("a", "b"), p).version(),
        Model.create("m", b, in, List.of("a", "b"), p).version());
  }

  private static float[] values(Network net, Tensor t) {
    float[] v = new float[t.size()];
    net.backend().download(t, 0, v, 0, v.length);
    return v;
  }
}

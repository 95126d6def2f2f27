package io.vigil.bench.ort;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.network.Network;
import io.vigil.engine.zoo.ModelZoo;
import io.vigil.onnx.ImportOptions;
import io.vigil.onnx.OnnxExport;
import io.vigil.onnx.OnnxFormatException;
import io.vigil.onnx.OnnxImport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * One graph both runtimes run: vigil's model and the ONNX bytes of the same graph with the same
 * weights. A zoo network goes to ONNX through the exporter ({@code vigil export}); an ONNX file
 * (torchvision's export) comes into vigil through the importer ({@code vigil import}).
 */
record BenchGraph(String label, Model model, byte[] onnx) implements AutoCloseable {

  /**
   * Parses {@code zoo:NAME} (a zoo network with random weights from seed 7; 10 classes for the
   * LeNets, 1000 for the rest) or {@code file:PATH} (an ONNX file).
   */
  static BenchGraph of(String source) throws IOException, OnnxFormatException {
    if (source.startsWith("zoo:")) {
      return zoo(source.substring(4));
    }
    if (source.startsWith("file:")) {
      return imported(Path.of(source.substring(5)));
    }
    throw new IllegalArgumentException("graph '" + source + "' must be zoo:NAME or file:PATH.onnx");
  }

  private static BenchGraph zoo(String name) throws OnnxFormatException {
    ModelZoo.Entry entry = ModelZoo.get(name);
    int classes = name.startsWith("lenet") ? 10 : 1000;
    Network network = entry.create(7, classes);
    InputContract input = entry.input();
    List<String> classNames = IntStream.range(0, classes).mapToObj(i -> "class " + i).toList();
    Model model =
        Model.create(
            name + "-bench",
            network,
            input,
            classNames,
            new Provenance("random", 0, 0, null, "", "bench"));
    return new BenchGraph(name + " (zoo, exported)", model, OnnxExport.toBytes(model));
  }

  private static BenchGraph imported(Path file) throws IOException, OnnxFormatException {
    byte[] bytes = Files.readAllBytes(file);
    String name = file.getFileName().toString().replaceFirst("\\.onnx$", "");
    Model model =
        OnnxImport.read(bytes, file.toString(), ImportOptions.defaults(), CpuBackend.shared());
    return new BenchGraph(name + " (ONNX file, imported)", model, bytes);
  }

  /** Values per image of the network's input. */
  int imageSize() {
    return model.input().size();
  }

  /** {@code n × C × H × W} for ONNX Runtime. */
  long[] shape(int n) {
    InputContract in = model.input();
    return new long[] {n, in.channels(), in.height(), in.width()};
  }

  @Override
  public void close() {
    model.close();
  }
}

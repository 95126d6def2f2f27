package io.vigil.pipeline.window;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.model.Model;
import io.vigil.engine.network.FullyConnectedToConv;
import io.vigil.engine.network.Network;
import io.vigil.engine.network.NetworkExecutor;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import io.vigil.engine.tensor.TensorScope;
import io.vigil.pipeline.frame.WindowGeometry;
import io.vigil.pipeline.frame.WindowInput;
import io.vigil.pipeline.result.LabelMap;
import io.vigil.pipeline.result.WindowGrid;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores every window of frames with the model's convolutionalised network ({@link
 * FullyConnectedToConv}): one forward pass per frame gives a {@code classes × rows × cols} map of
 * logits, turned into a softmax per window and its best class ({@link LabelMap}).
 *
 * <p>Where the model pads its layers, a window's border sees its neighbours' pixels instead of the
 * zeros the model sees around a lone image; the scores of a window then differ slightly from the
 * model's on that window cut out (exactly equal for a model without padding).
 *
 * <p>A converted network is built per input size (per frame size, since the grid follows it) and
 * kept for the {@value #NETWORKS_KEPT} sizes used last. Not thread-safe: used from the engine
 * thread.
 *
 * <p>The scorer owns its converted networks, their executors and inputs: one dropped from the kept
 * sizes is freed then, the rest by {@link #close}.
 */
public final class WindowScorer implements AutoCloseable {

  /** Converted networks kept at once (a run over files of a few frame sizes reuses them). */
  static final int NETWORKS_KEPT = 4;

  /** Frames per forward pass: converted inputs are large, so their activations are kept small. */
  static final int FRAMES_PER_PASS = 4;

  private final Model model;
  private final WindowGeometry geometry;
  private final Backend backend;
  private final Map<String, Converted> networks =
      new LinkedHashMap<>(NETWORKS_KEPT * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Converted> eldest) {
          if (size() <= NETWORKS_KEPT) {
            return false;
          }
          eldest.getValue().close();
          return true;
        }
      };

  /**
   * @throws IllegalArgumentException naming the model when it cannot score windows (see {@link
   *     WindowGeometry#of})
   */
  public WindowScorer(Model model) {
    this.model = model;
    this.geometry = WindowGeometry.of(model.network().spec(), model.version());
    this.backend = model.network().backend();
  }

  /** The model's window geometry. */
  public WindowGeometry geometry() {
    return geometry;
  }

  /** One label map per input, in order. */
  public List<LabelMap> score(List<WindowInput> inputs) {
    List<LabelMap> maps = new ArrayList<>(inputs.size());
    int i = 0;
    while (i < inputs.size()) {
      // A run of inputs of the same grid goes through the network together.
      WindowGrid grid = inputs.get(i).grid();
      int end = i + 1;
      while (end < inputs.size()
          && end - i < FRAMES_PER_PASS
          && inputs.get(end).grid().equals(grid)) {
        end++;
      }
      maps.addAll(networkFor(grid).score(inputs.subList(i, end)));
      i = end;
    }
    return maps;
  }

  private Converted networkFor(WindowGrid grid) {
    String key = grid.inputWidth() + "x" + grid.inputHeight();
    return networks.computeIfAbsent(key, k -> new Converted(grid.inputHeight(), grid.inputWidth()));
  }

  /** Frees every converted network kept. */
  @Override
  public void close() {
    try (TensorScope all = new TensorScope()) {
      networks.values().forEach(all::add);
      networks.clear();
    }
  }

  /** The converted network for one input size, its executor and buffers. */
  private final class Converted implements AutoCloseable {
    private final Network network;
    private final NetworkExecutor executor;
    private final Tensor input;
    private final int imageSize;
    private final int classes;
    private final int rows;
    private final int cols;
    private float[] logits = new float[0];

    Converted(int height, int width) {
      this.network = FullyConnectedToConv.convert(model.network(), height, width);
      Shape out = network.outputShape();
      this.classes = out.c();
      this.rows = out.h();
      this.cols = out.w();
      if (classes != model.classNames().size()) {
        network.close();
        throw new IllegalStateException(
            "model "
                + model.version()
                + ": converted network gives "
                + classes
                + " scores per window for "
                + model.classNames().size()
                + " classes");
      }
      this.executor = network.newExecutor(FRAMES_PER_PASS, false);
      this.input = backend.allocate(network.inputShape().withBatch(FRAMES_PER_PASS));
      this.imageSize = network.inputShape().perImage();
    }

    @Override
    public void close() {
      try (TensorScope all = new TensorScope()) {
        all.add(network);
        all.add(executor);
        all.add(input);
      }
    }

    List<LabelMap> score(List<WindowInput> batch) {
      int n = batch.size();
      for (int i = 0; i < n; i++) {
        WindowGrid g = batch.get(i).grid();
        if (g.rows() != rows || g.cols() != cols) {
          throw new IllegalStateException(
              "window grid "
                  + g.rows()
                  + "×"
                  + g.cols()
                  + " does not match the converted network's "
                  + rows
                  + "×"
                  + cols
                  + " map");
        }
        backend.upload(batch.get(i).pixels(), 0, input, i * imageSize, imageSize);
      }
      Tensor out = executor.forward(input.firstImages(n), false);
      int perImage = classes * rows * cols;
      if (logits.length < n * perImage) {
        logits = new float[n * perImage];
      }
      backend.download(out, 0, logits, 0, n * perImage);
      List<LabelMap> maps = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        maps.add(best(batch.get(i).grid(), i * perImage));
      }
      return maps;
    }

    /** Softmax over the classes of each window, and its best class. */
    private LabelMap best(WindowGrid grid, int offset) {
      int plane = rows * cols;
      int[] bestClass = new int[plane];
      float[] bestScore = new float[plane];
      for (int p = 0; p < plane; p++) {
        int best = 0;
        float max = logits[offset + p];
        for (int k = 1; k < classes; k++) {
          float v = logits[offset + k * plane + p];
          if (v > max) {
            max = v;
            best = k;
          }
        }
        double sum = 0;
        for (int k = 0; k < classes; k++) {
          sum += Math.exp(logits[offset + k * plane + p] - max);
        }
        bestClass[p] = best;
        bestScore[p] = (float) (1 / sum);
      }
      return new LabelMap(grid, bestClass, bestScore, model.classNames());
    }
  }
}

package io.vigil.pipeline.window;

import io.vigil.engine.model.Model;
import io.vigil.pipeline.frame.FrameClassifier;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.frame.WindowInput;
import io.vigil.pipeline.frame.WindowSampling;
import io.vigil.pipeline.frame.WindowSize;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.result.LabelMap;
import java.util.ArrayList;
import java.util.List;

/**
 * Whole-frame classification plus sliding-window scoring: each result is the wrapped classifier's
 * for the whole frame (so summaries, segments and accuracy stay as they were) with the frame's
 * {@link LabelMap} added. Frames that arrive without a {@link WindowInput} (the decoder was not
 * asked for one) get no map.
 */
public final class WindowMapClassifier implements FrameClassifier {

  private final FrameClassifier wholeFrames;
  private final WindowScorer scorer;
  private final WindowSampling sampling;

  /**
   * @param wholeFrames classifies whole frames; closed with this one
   * @param scorer scores the windows of the same model; closed with this one
   */
  public WindowMapClassifier(
      FrameClassifier wholeFrames, WindowScorer scorer, Model model, WindowSize window) {
    this.wholeFrames = wholeFrames;
    this.scorer = scorer;
    this.sampling = new WindowSampling(window, scorer.geometry(), model.input());
  }

  @Override
  public List<FrameResult> classify(List<StreamItem.Frame> frames) {
    List<FrameResult> results = wholeFrames.classify(frames);
    List<WindowInput> inputs = new ArrayList<>(frames.size());
    for (StreamItem.Frame f : frames) {
      if (f.windows() != null) {
        inputs.add(f.windows());
      }
    }
    if (inputs.isEmpty()) {
      return results;
    }
    List<LabelMap> maps = scorer.score(inputs);
    // Latency runs to the end of the window scoring: the result leaves the engine only now.
    long now = System.nanoTime();
    List<FrameResult> withMaps = new ArrayList<>(results.size());
    int next = 0;
    for (int i = 0; i < frames.size(); i++) {
      StreamItem.Frame f = frames.get(i);
      FrameResult r = results.get(i);
      withMaps.add(
          f.windows() == null
              ? r
              : r.withWindows(maps.get(next++), (now - f.capturedAtNanos()) / 1e6));
    }
    return withMaps;
  }

  @Override
  public WindowSampling windowSampling() {
    return sampling;
  }

  @Override
  public String modelVersion() {
    return wholeFrames.modelVersion();
  }

  @Override
  public List<String> classNames() {
    return wholeFrames.classNames();
  }

  @Override
  public void close() {
    try {
      wholeFrames.close();
    } finally {
      scorer.close();
    }
  }
}

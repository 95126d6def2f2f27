package io.vigil.pipeline.stream;

import io.vigil.engine.model.Model;
import io.vigil.engine.model.Predictor;
import io.vigil.pipeline.analyze.FrameResult;
import io.vigil.pipeline.analyze.LabelScore;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link FrameClassifier} backed by vigil's engine: copies the batch's pixels into one input
 * buffer ({@code batch × C × H × W}), runs the {@link Predictor}, and ranks each row of softmax
 * probabilities into the {@code topK} best labels. Buffers are allocated once and reused.
 */
public final class EngineClassifier implements FrameClassifier {

  private final Model model;
  private final Predictor predictor;
  private final int topK;
  private final int inputSize;
  private final float[] input;
  private final float[] probabilities;

  /** A classifier for batches of up to {@code maxBatch} frames, {@code topK} labels per frame. */
  public EngineClassifier(Model model, int maxBatch, int topK) {
    this.model = model;
    this.predictor = model.newPredictor(maxBatch);
    this.topK = Math.min(topK, predictor.numClasses());
    this.inputSize = model.input().size();
    this.input = new float[maxBatch * inputSize];
    this.probabilities = new float[maxBatch * predictor.numClasses()];
  }

  @Override
  public List<FrameResult> classify(List<StreamItem.Frame> batch) {
    int n = batch.size();
    for (int i = 0; i < n; i++) {
      System.arraycopy(batch.get(i).pixels(), 0, input, i * inputSize, inputSize);
    }
    predictor.predict(input, n, probabilities);
    long now = System.nanoTime();
    List<FrameResult> results = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      StreamItem.Frame frame = batch.get(i);
      results.add(
          new FrameResult(
              frame.stream(),
              frame.index(),
              frame.ptsMicros(),
              model.version(),
              topLabels(i * predictor.numClasses()),
              (now - frame.capturedAtNanos()) / 1e6,
              frame.capturedAtMillis()));
    }
    return results;
  }

  /** The {@code topK} best classes of the row starting at {@code offset}, best first. */
  private List<LabelScore> topLabels(int offset) {
    int classes = predictor.numClasses();
    List<LabelScore> top = new ArrayList<>(topK);
    boolean[] taken = new boolean[classes];
    for (int rank = 0; rank < topK; rank++) {
      int best = -1;
      for (int c = 0; c < classes; c++) {
        if (!taken[c] && (best < 0 || probabilities[offset + c] > probabilities[offset + best])) {
          best = c;
        }
      }
      taken[best] = true;
      top.add(new LabelScore(best, model.classNames().get(best), probabilities[offset + best]));
    }
    return top;
  }

  @Override
  public String modelVersion() {
    return model.version();
  }

  @Override
  public List<String> classNames() {
    return model.classNames();
  }

  @Override
  public void close() {
    predictor.close();
  }
}

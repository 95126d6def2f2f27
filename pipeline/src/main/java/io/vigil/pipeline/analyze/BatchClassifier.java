package io.vigil.pipeline.analyze;

import io.vigil.engine.model.Model;
import io.vigil.engine.model.Predictor;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the engine on one batch of frames and turns its probabilities into ranked labels.
 *
 * <p>Holds one {@link Predictor} and its input and output buffers, reused for every batch, so it is
 * not thread-safe: the stream calls it from one engine thread at a time.
 */
final class BatchClassifier implements AutoCloseable {

  private final Model model;
  private final Predictor predictor;
  private final int topK;
  private final int inputSize;
  private final float[] input;
  private final float[] probabilities;

  BatchClassifier(Model model, int maxBatch, int topK) {
    this.model = model;
    this.predictor = model.newPredictor(maxBatch);
    this.topK = Math.min(topK, predictor.numClasses());
    this.inputSize = model.input().size();
    this.input = new float[maxBatch * inputSize];
    this.probabilities = new float[maxBatch * predictor.numClasses()];
  }

  /** Classifies the frames of one batch, in order. */
  List<FrameResult> classify(String stream, List<FrameSample> batch) {
    int n = batch.size();
    for (int i = 0; i < n; i++) {
      System.arraycopy(batch.get(i).pixels(), 0, input, i * inputSize, inputSize);
    }
    predictor.predict(input, n, probabilities);
    long now = System.nanoTime();
    List<FrameResult> results = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      FrameSample sample = batch.get(i);
      results.add(
          new FrameResult(
              stream,
              sample.index(),
              sample.ptsMicros(),
              model.version(),
              topLabels(i * predictor.numClasses()),
              (now - sample.decodedAtNanos()) / 1e6));
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
  public void close() {
    predictor.close();
  }
}

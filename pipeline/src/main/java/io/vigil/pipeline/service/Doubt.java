package io.vigil.pipeline.service;

import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.result.LabelScore;
import java.util.List;

/**
 * How unsure a result is: its top-1 score and the lead of top-1 over top-2 ({@code margin = s₁ −
 * s₂}, with {@code s₂ = 0} when the result gives one label). A result is doubtful when {@code s₁ <
 * maxTopScore} or {@code margin < maxMargin} ({@link LabelingSettings}).
 */
record Doubt(double topScore, double margin) {

  /** The doubt of {@code result}; a result without labels has top score and margin 0. */
  static Doubt of(FrameResult result) {
    List<LabelScore> top = result.top();
    double first = top.isEmpty() ? 0 : top.get(0).score();
    double second = top.size() < 2 ? 0 : top.get(1).score();
    return new Doubt(first, first - second);
  }

  /** Whether a person's label is worth asking for. */
  boolean doubtful(LabelingSettings settings) {
    return topScore < settings.maxTopScore() || margin < settings.maxMargin();
  }
}

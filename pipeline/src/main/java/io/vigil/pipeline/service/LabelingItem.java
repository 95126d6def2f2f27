package io.vigil.pipeline.service;

import io.vigil.pipeline.result.LabelScore;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * One frame waiting for a person's label: what the model saw (its input as 0–255 bytes, CHW) and
 * what it said.
 *
 * @param id the item's name in the API: {@code STREAM-FRAME}, the frame zero-padded to six digits
 * @param stream the stream's id
 * @param frame the frame's index in its stream
 * @param version the model version that gave the result
 * @param top the result's best labels, best first
 * @param margin top-1 score minus top-2 score (top-2 counts as 0 when the result has one label)
 * @param pixels the model's input with its normalisation undone: {@code channels × height × width}
 *     bytes
 */
public record LabelingItem(
    String id,
    String stream,
    long frame,
    String version,
    List<LabelScore> top,
    double margin,
    byte[] pixels) {

  /** Least sure first: smaller margin, then lower top-1 score, then older frame. */
  static final Comparator<LabelingItem> LEAST_SURE_FIRST =
      Comparator.comparingDouble(LabelingItem::margin)
          .thenComparingDouble(LabelingItem::topScore)
          .thenComparingLong(LabelingItem::frame);

  public LabelingItem {
    top = List.copyOf(top);
  }

  /** The id of frame {@code frame} of {@code stream}. */
  static String idOf(String stream, long frame) {
    return stream + "-" + String.format(Locale.ROOT, "%06d", frame);
  }

  /** The top-1 score, 0 when the result has no label. */
  double topScore() {
    return top.isEmpty() ? 0 : top.get(0).score();
  }
}

package io.vigil.pipeline.stream;

import io.vigil.engine.model.Model;
import java.util.concurrent.CompletionStage;

/**
 * What a running pipeline offers for hot swaps: the model it serves, and a way to put another in
 * its place without stopping a stream. The real-time pipeline and an offline run both offer it; the
 * stream-manager actor calls it.
 */
public interface ModelSwapTarget {

  /**
   * The version serving now: that of the classifier the inference stage took for its latest batch,
   * or, before any batch, the one it will take for its first.
   */
  String modelVersion();

  /**
   * Loads {@code model} into a new classifier (same batch size and top-k as the current one), runs
   * one batch on it before the swap (load before unload), then has the inference stage switch to it
   * between batches: batches already started finish on the old model, the next batch starts on the
   * new one; no batch mixes versions, no frame is lost or classified twice.
   *
   * <p>Completes with the report once the first result of the new version has come out (been
   * written). Completes exceptionally, and the old model keeps serving with nothing changed, when
   * the model does not fit (another input contract or other class names: {@link
   * IllegalArgumentException}, whose message names both versions) or its trial batch fails ({@link
   * IllegalStateException}, the new classifier closed). A swap that another one supersedes before
   * its first batch, or that the pipeline's end overtakes, completes with a {@link
   * java.util.concurrent.CancellationException} and its classifier is closed. Swaps take effect in
   * the order they were called.
   */
  CompletionStage<SwapReport> swap(Model model);
}

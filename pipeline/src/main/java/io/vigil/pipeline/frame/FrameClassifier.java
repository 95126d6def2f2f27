package io.vigil.pipeline.frame;

import io.vigil.pipeline.result.FrameResult;
import java.util.List;
import java.util.function.Supplier;

/**
 * Classifies one batch of frames, which may come from many streams, and returns one result per
 * frame in the same order. Implementations hold engine buffers and are not thread-safe: the stream
 * calls one from one engine thread at a time.
 *
 * <p>A batch runs either in one call ({@link #classify}) or in two steps ({@link #start}, then the
 * supplier it returns), so that up to {@link #maxInFlight()} batches are started and not yet
 * collected: on an engine that computes beside the host (a GPU), the host prepares the next batch
 * while the device computes this one. {@link io.vigil.pipeline.stream.InferenceWindow} drives that
 * from the stream.
 */
public interface FrameClassifier extends AutoCloseable {

  /** Results for {@code frames}, in order; {@code frames.size()} is at most the batch size. */
  List<FrameResult> classify(List<StreamItem.Frame> frames);

  /**
   * Starts classifying {@code frames}; the supplier returns their results, in order, waiting for
   * them if need be. Suppliers are called once each, in the order of their starts; at most {@link
   * #maxInFlight()} batches are started and not yet collected, and {@link #classify} is not called
   * while any is. {@code frames} must stay as it is until its supplier has been called.
   *
   * <p>The default classifies at once and hands the results back later.
   */
  default Supplier<List<FrameResult>> start(List<StreamItem.Frame> frames) {
    List<FrameResult> results = classify(frames);
    return () -> results;
  }

  /**
   * How many batches may be started and not yet collected. More than one only where that gains
   * time, because {@link #start} returns before the batch is computed; where start computes the
   * batch itself (the default, an engine on the CPU) a second batch in flight would only hold the
   * first one's results back.
   */
  default int maxInFlight() {
    return 1;
  }

  /** The version of the model that produces the results. */
  String modelVersion();

  /** The model's class names, in index order. */
  List<String> classNames();

  /**
   * What the decoders must prepare for each frame besides its whole-frame input so that this
   * classifier can also score the frame's windows; null (the default) when it classifies whole
   * frames only.
   */
  default WindowSampling windowSampling() {
    return null;
  }

  @Override
  void close();
}

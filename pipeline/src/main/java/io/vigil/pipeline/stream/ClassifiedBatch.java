package io.vigil.pipeline.stream;

import io.vigil.pipeline.frame.FrameClassifier;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.FrameResult;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One batch after the engine: the results of its frames, in batch order, and the end-of-stream
 * markers that travelled in it. A marker is its stream's last item, so a sink handles the results
 * first and the markers after them.
 *
 * @param results one per frame of the batch, in order
 * @param markers the {@link StreamItem.End} and {@link StreamItem.Failed} items of the batch
 * @param batchSize frames the engine classified in one call (0 when the batch held only markers)
 * @param images the kept picture of each result's frame (null where none was kept), to be closed by
 *     whoever consumes the batch
 */
public record ClassifiedBatch(
    List<FrameResult> results,
    List<StreamItem> markers,
    int batchSize,
    List<org.bytedeco.javacv.Frame> images) {

  /** Classifies the frames of {@code items} in one engine call and keeps the markers aside. */
  public static ClassifiedBatch classify(List<StreamItem> items, FrameClassifier classifier) {
    return start(items, classifier).get();
  }

  /**
   * Starts classifying the frames of {@code items} ({@link FrameClassifier#start}); the supplier
   * waits for their results and returns the batch. A batch of markers only is not given to the
   * classifier: its supplier returns at once.
   */
  public static Supplier<ClassifiedBatch> start(
      List<StreamItem> items, FrameClassifier classifier) {
    List<StreamItem.Frame> frames = new ArrayList<>(items.size());
    List<StreamItem> markers = new ArrayList<>(0);
    for (StreamItem item : items) {
      if (item instanceof StreamItem.Frame frame) {
        frames.add(frame);
      } else {
        markers.add(item);
      }
    }
    if (frames.isEmpty()) {
      ClassifiedBatch onlyMarkers = new ClassifiedBatch(List.of(), markers, 0, List.of());
      return () -> onlyMarkers;
    }
    Supplier<List<FrameResult>> results = classifier.start(frames);
    List<org.bytedeco.javacv.Frame> images = new ArrayList<>(frames.size());
    for (StreamItem.Frame f : frames) {
      images.add(f.image());
    }
    return () -> new ClassifiedBatch(results.get(), markers, frames.size(), images);
  }

  /** Whether {@code items} holds a frame, that is, whether the engine has work in it. */
  public static boolean hasFrames(List<StreamItem> items) {
    for (StreamItem item : items) {
      if (item instanceof StreamItem.Frame) {
        return true;
      }
    }
    return false;
  }
}

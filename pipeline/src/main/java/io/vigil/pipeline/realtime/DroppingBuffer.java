package io.vigil.pipeline.realtime;

import io.vigil.pipeline.frame.StreamItem;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

/**
 * The real-time pipeline's bounded buffer and batcher before inference.
 *
 * <p>Upstream it never backpressures (sources run at their own pace): it holds at most {@code
 * capacity} frames and, when full, drops frames by a {@link DropPolicy}, reporting <b>each</b>
 * dropped frame to {@code onDrop} so it is counted for its stream. (Pekko's {@code buffer(n,
 * OverflowStrategy.dropHead())} drops the same way but does not say what it dropped.)
 *
 * <p>Downstream it emits batches of at most {@code maxBatch} frames, and only when the engine asks
 * for one: a batch is formed at that moment from the frames waiting, after at most {@code maxWait}
 * for it to fill. Frames therefore wait here, where the drop policy keeps the freshest, rather than
 * in a batch gathered while the engine was busy ({@code groupedWithin} gathers eagerly, so under
 * overload its frames are a whole batch time old before the engine sees them). A frame waits at
 * most about {@code (capacity / maxBatch + 1)} batch times.
 *
 * <p>End-of-stream markers are never dropped, do not count against the capacity and travel in the
 * batches in order. All state lives in the {@link GraphStageLogic}; {@code onDepth} hears the
 * number of frames held after every change (the queue-depth metric).
 */
public final class DroppingBuffer extends GraphStage<FlowShape<StreamItem, List<StreamItem>>> {

  private static final String FILL_TIMER = "fill";

  private final Inlet<StreamItem> in = Inlet.create("DroppingBuffer.in");
  private final Outlet<List<StreamItem>> out = Outlet.create("DroppingBuffer.out");
  private final FlowShape<StreamItem, List<StreamItem>> shape = FlowShape.of(in, out);
  private final int capacity;
  private final DropPolicy policy;
  private final int maxBatch;
  private final Duration maxWait;
  private final Consumer<StreamItem.Frame> onDrop;
  private final IntConsumer onDepth;

  public DroppingBuffer(
      int capacity,
      DropPolicy policy,
      int maxBatch,
      Duration maxWait,
      Consumer<StreamItem.Frame> onDrop,
      IntConsumer onDepth) {
    if (capacity < 1) {
      throw new IllegalArgumentException("buffer size must be at least 1, got " + capacity);
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + maxBatch);
    }
    this.capacity = capacity;
    this.policy = policy;
    this.maxBatch = maxBatch;
    this.maxWait = maxWait;
    this.onDrop = onDrop;
    this.onDepth = onDepth;
  }

  @Override
  public FlowShape<StreamItem, List<StreamItem>> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new TimerGraphStageLogic(shape) {
      private final ArrayDeque<StreamItem> queue = new ArrayDeque<>();
      private final Map<String, Long> arrivals = new HashMap<>();
      private int frames;
      private boolean waited;

      {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                offer(grab(in));
                pull(in);
                tryEmit();
              }

              @Override
              public void onUpstreamFinish() {
                tryEmit();
              }
            });
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                tryEmit();
              }
            });
      }

      @Override
      public void preStart() {
        pull(in);
      }

      @Override
      public void onTimer(Object key) {
        waited = true;
        tryEmit();
      }

      /** Emits a batch if the engine wants one and it is full, its wait is over, or input ended. */
      private void tryEmit() {
        if (queue.isEmpty()) {
          if (isClosed(in)) {
            completeStage();
          }
          return;
        }
        if (!isAvailable(out)) {
          return;
        }
        boolean full = frames >= maxBatch;
        boolean markerWaiting = frames < queue.size();
        if (full || waited || isClosed(in) || markerWaiting) {
          cancelTimer(FILL_TIMER);
          waited = false;
          push(out, take());
          if (isClosed(in) && queue.isEmpty()) {
            completeStage();
          }
        } else if (!isTimerActive(FILL_TIMER)) {
          scheduleOnce(FILL_TIMER, maxWait);
        }
      }

      private List<StreamItem> take() {
        List<StreamItem> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
        int taken = 0;
        while (!queue.isEmpty() && taken < maxBatch) {
          StreamItem item = queue.poll();
          batch.add(item);
          if (item instanceof StreamItem.Frame) {
            taken++;
            frames--;
          }
        }
        onDepth.accept(frames);
        return batch;
      }

      private void offer(StreamItem item) {
        if (!(item instanceof StreamItem.Frame frame)) {
          queue.add(item);
          return;
        }
        if (policy.kind() == DropPolicy.Kind.SKIP_EVERY_NTH && frames * 2 >= capacity) {
          long n = arrivals.merge(frame.stream(), 1L, Long::sum);
          if (n % policy.n() == 0) {
            onDrop.accept(frame);
            return;
          }
        }
        if (frames >= capacity) {
          if (policy.kind() == DropPolicy.Kind.DROP_NEWEST) {
            onDrop.accept(frame);
            return;
          }
          dropOldestFrame();
        }
        queue.add(frame);
        frames++;
        onDepth.accept(frames);
      }

      private void dropOldestFrame() {
        Iterator<StreamItem> it = queue.iterator();
        while (it.hasNext()) {
          StreamItem item = it.next();
          if (item instanceof StreamItem.Frame oldest) {
            it.remove();
            frames--;
            onDrop.accept(oldest);
            return;
          }
        }
      }
    };
  }
}

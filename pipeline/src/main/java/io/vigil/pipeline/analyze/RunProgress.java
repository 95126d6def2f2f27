package io.vigil.pipeline.analyze;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Turns an offline run's frames and finished files into progress with an ETA, told to a {@link
 * BatchListener} at most once per interval (and at every file's end). The ETA applies the frames
 * per byte of the files finished so far to all the run's bytes.
 */
final class RunProgress implements BatchListener {

  private final BatchListener listener;
  private final int total;
  private final long pendingBytes;
  private final long started;
  private final Map<String, Path> videos;
  private final long interval;
  private int done;
  private long frames;
  private long doneBytes;
  private long doneFrames;
  private long lastReport;

  /**
   * @param total files in the run, skipped ones included
   * @param settled files settled before decoding (skipped, or failed for a bad label file)
   * @param pendingBytes bytes of the files to decode
   * @param started {@link System#nanoTime()} at the run's start
   * @param videos each stream's video
   * @param interval the least time between two reports on frames
   */
  RunProgress(
      BatchListener listener,
      int total,
      int settled,
      long pendingBytes,
      long started,
      Map<String, Path> videos,
      Duration interval) {
    this.listener = listener;
    this.total = total;
    this.done = settled;
    this.pendingBytes = pendingBytes;
    this.started = started;
    this.videos = videos;
    this.interval = interval.toNanos();
    this.lastReport = started;
  }

  synchronized void frames(int n) {
    frames += n;
    long now = System.nanoTime();
    if (now - lastReport >= interval) {
      lastReport = now;
      report(now);
    }
  }

  @Override
  public synchronized void onFile(FileOutcome outcome) {
    done++;
    doneBytes += BatchAnalyzeJob.sizeOf(videos.get(outcome.stream()));
    doneFrames += outcome.frames();
    listener.onFile(outcome);
    report(System.nanoTime());
  }

  private void report(long now) {
    double seconds = (now - started) / 1e9;
    double fps = seconds > 0 ? frames / seconds : 0;
    double eta = Double.NaN;
    if (doneBytes > 0 && doneFrames > 0 && fps > 0) {
      // Frames per byte of the files finished so far, applied to all the run's bytes.
      double expected = (double) doneFrames / doneBytes * pendingBytes;
      eta = Math.max(0, expected - frames) / fps;
    }
    long shown = frames;
    if (done == total) {
      eta = 0;
      // A file's end is heard before the count of its last batch arrives: the last line shows
      // every frame the finished files hold.
      shown = Math.max(frames, doneFrames);
    }
    listener.onProgress(done, total, shown, fps, eta);
  }
}

package io.vigil.pipeline.result;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * What one stream produced, written as {@code <stream>.summary.json} beside its results.
 *
 * @param stream the stream's id
 * @param source the file or URL it was read from
 * @param model the model version of the stream's last result
 * @param versions the versions that classified the stream's frames, in order, with their frame
 *     ranges (one span unless a hot swap happened while it ran)
 * @param frames frames classified (one results line each)
 * @param elapsedSeconds wall time from the stream's first item to its end
 * @param dropped frames dropped under overload (always 0 offline)
 * @param droppedUnconverted of those, the frames shed at the source before conversion
 * @param corrupt frames the decoder delivered damaged or estimated lost, plus decode errors (as
 *     {@link io.vigil.pipeline.stream.StreamMetrics#corrupt()}; for a looping file, over all its
 *     loops)
 * @param decode what the decoder met, or null when unknown (a live source)
 * @param classNames the model's classes
 * @param perClass frames whose best label was each class
 * @param segments runs where the best label held for at least the configured frames
 * @param latency capture-to-result latency percentiles, milliseconds
 * @param labels how the best labels compare with the stream's true labels, or null when they are
 *     not known
 * @param connections a network source's connection attempts, connections and losses, or null for a
 *     source that is not one
 */
public record StreamSummary(
    String stream,
    String source,
    String model,
    List<VersionSpan> versions,
    long frames,
    double elapsedSeconds,
    long dropped,
    long droppedUnconverted,
    long corrupt,
    DecodeReport decode,
    List<String> classNames,
    long[] perClass,
    List<SegmentTracker.Segment> segments,
    LatencyTracker.Percentiles latency,
    LabelAccuracy labels,
    ConnectionCounts connections) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Frames classified per second of the stream's wall time. */
  public double framesPerSecond() {
    return elapsedSeconds > 0 ? frames / elapsedSeconds : 0;
  }

  /** Writes the summary as JSON to {@code target}, atomically (complete or absent). */
  public void write(Path target) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("stream", stream);
    root.put("source", source);
    root.put("model", model);
    ArrayNode spans = root.putArray("versions");
    for (VersionSpan v : versions) {
      ObjectNode n = spans.addObject();
      n.put("model", v.model());
      n.put("first_frame", v.firstFrame());
      n.put("last_frame", v.lastFrame());
      n.put("frames", v.frames());
      if (v.labels() != null) {
        n.put("labeled_frames", v.labels().labeledFrames());
        n.put("correct", v.labels().correct());
        if (v.labels().labeledFrames() > 0) {
          n.put("accuracy", Math.round(v.labels().accuracy() * 1e6) / 1e6);
        }
      }
    }
    root.put("frames", frames);
    root.put("elapsed_s", Math.round(elapsedSeconds * 1000) / 1000.0);
    root.put("frames_per_s", Math.round(framesPerSecond() * 10) / 10.0);
    root.put("dropped", dropped);
    root.put("dropped_before_conversion", droppedUnconverted);
    root.put("corrupt", corrupt);
    if (decode != null) {
      ObjectNode d = root.putObject("decode");
      d.put("frames_decoded", decode.framesDecoded());
      d.put("decode_errors", decode.decodeErrors());
      d.put("damaged_frames", decode.damagedFrames());
      d.put("lost_in_gaps", decode.lostInGaps());
      d.put("lost_at_end", decode.lostAtEnd());
      d.put("timestamps_repaired", decode.timestampsRepaired());
      d.put("ffmpeg_warnings", decode.ffmpegWarnings());
      d.put("gave_up", decode.gaveUp());
      d.put("summary", decode.summary());
    }
    if (connections != null) {
      ObjectNode c = root.putObject("connections");
      c.put("attempts", connections.attempts());
      c.put("connections", connections.connections());
      c.put("losses", connections.losses());
    }
    ObjectNode labelCounts = root.putObject("labels");
    for (int c = 0; c < classNames.size(); c++) {
      labelCounts.put(classNames.get(c), perClass[c]);
    }
    ArrayNode segs = root.putArray("segments");
    for (SegmentTracker.Segment s : segments) {
      ObjectNode n = segs.addObject();
      n.put("label", s.label());
      n.put("first_frame", s.first());
      n.put("last_frame", s.last());
      n.put("frames", s.frames());
      n.put("start_pts_us", s.startPtsMicros());
      n.put("end_pts_us", s.endPtsMicros());
    }
    if (labels != null) {
      ObjectNode a = root.putObject("accuracy");
      a.put("label_rows", labels.labelRows());
      a.put("labeled_frames", labels.labeledFrames());
      a.put("correct", labels.correct());
      if (labels.labeledFrames() > 0) {
        a.put("accuracy", Math.round(labels.accuracy() * 1e6) / 1e6);
      }
    }
    if (latency.count() > 0) {
      ObjectNode l = root.putObject("latency_ms");
      l.put("p50", round(latency.p50()));
      l.put("p95", round(latency.p95()));
      l.put("p99", round(latency.p99()));
    }
    byte[] bytes = JSON.writeValueAsBytes(root);
    AtomicFiles.write(target.toAbsolutePath(), ByteBuffer.wrap(bytes));
  }

  private static double round(double millis) {
    return Math.round(millis * 100) / 100.0;
  }
}

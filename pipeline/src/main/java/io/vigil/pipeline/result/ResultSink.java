package io.vigil.pipeline.result;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Writes the results of any number of streams and, when each ends, its summary: one JSON Lines
 * results file per stream (where {@link StreamOutput} says), written as the {@link WritePolicy}
 * says, and a {@link StreamSummary} built from what the sink counted of the stream's results.
 *
 * <p>A stream is open from its first result (or, under ATOMIC, from its {@link #end}) until {@link
 * #end} or {@link #fail}; a stream ended and then given results again is opened afresh. Contract
 * per call:
 *
 * <ul>
 *   <li>{@link #write}: every result is in its stream's file (LIVE: readable there) when it
 *       returns;
 *   <li>{@link #end}: the results file is complete under its final name, then the summary is
 *       written (if the stream has a summary file) and returned;
 *   <li>{@link #fail}: no summary; ATOMIC leaves nothing of the stream under its final names.
 * </ul>
 *
 * <p>Not thread-safe: callers serialize their calls.
 */
public final class ResultSink {

  /** When a stream's wall time, {@link StreamSummary#elapsedSeconds()}, starts. */
  public enum Clock {
    /** When the sink received the stream's first result. */
    FIRST_RESULT,
    /**
     * When the stream's first frame left its decoder: the first result's arrival less its latency.
     */
    FIRST_DECODE
  }

  private final WritePolicy policy;
  private final List<String> classNames;
  private final int segmentMinFrames;
  private final Clock clock;
  private final Function<String, StreamOutput> outputs;
  private final Map<String, Open> open = new LinkedHashMap<>();
  private final Set<String> seen = new HashSet<>();

  /**
   * @param classNames the model's classes, indexed by {@link LabelScore#classIndex()}
   * @param segmentMinFrames the fewest frames a best label must hold to make a summary segment
   * @param outputs where each stream (by id) is written; asked once each time a stream opens
   */
  public ResultSink(
      WritePolicy policy,
      List<String> classNames,
      int segmentMinFrames,
      Clock clock,
      Function<String, StreamOutput> outputs) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.classNames = List.copyOf(classNames);
    this.segmentMinFrames = segmentMinFrames;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.outputs = Objects.requireNonNull(outputs, "outputs");
  }

  /** Counts each result and writes it to its stream's file, opening streams as needed. */
  public void write(List<FrameResult> results) throws IOException {
    Map<String, List<FrameResult>> batch = new LinkedHashMap<>();
    for (FrameResult r : results) {
      open(r.stream()).tally.add(r);
      batch.computeIfAbsent(r.stream(), s -> new ArrayList<>()).add(r);
    }
    for (Map.Entry<String, List<FrameResult>> e : batch.entrySet()) {
      open.get(e.getKey()).file.write(e.getValue());
    }
  }

  /**
   * Ends {@code stream}: finishes its results file, then writes its summary.
   *
   * @return the stream's summary, or null under LIVE when the stream produced no result (then
   *     nothing is written)
   */
  public StreamSummary end(String stream, StreamEnding ending) throws IOException {
    Open o = policy == WritePolicy.ATOMIC ? open(stream) : open.get(stream);
    if (o == null) {
      return null;
    }
    open.remove(stream);
    o.file.finish();
    StreamSummary summary = o.tally.summary(stream, ending);
    if (o.output.summary() != null) {
      summary.write(o.output.summary());
    }
    return summary;
  }

  /**
   * Ends {@code stream} without a summary. ATOMIC deletes its partial results, leaving the final
   * name as it was; LIVE closes its file, keeping the lines already written. Nothing happens for a
   * stream that is not open.
   *
   * @throws IllegalStateException when partial results cannot be deleted
   */
  public void fail(String stream) {
    Open o = open.remove(stream);
    if (o != null) {
      o.file.discard();
    }
  }

  /** The streams open now, in the order they opened. */
  public List<String> openStreams() {
    return new ArrayList<>(open.keySet());
  }

  private Open open(String stream) throws IOException {
    Open o = open.get(stream);
    if (o == null) {
      StreamOutput output = outputs.apply(stream);
      boolean fresh = seen.add(stream);
      o =
          new Open(
              output,
              ResultFile.open(policy, output.results(), fresh),
              new StreamTally(
                  classNames, segmentMinFrames, output.truth(), clock == Clock.FIRST_DECODE));
      open.put(stream, o);
    }
    return o;
  }

  /** One stream being written. */
  private record Open(StreamOutput output, ResultFile file, StreamTally tally) {}
}

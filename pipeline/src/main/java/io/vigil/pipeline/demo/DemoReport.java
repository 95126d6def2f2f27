package io.vigil.pipeline.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.engine.io.AtomicFiles;
import io.vigil.pipeline.control.ControlEvent;
import io.vigil.pipeline.control.EventJournal;
import io.vigil.pipeline.stream.PipelineMetrics;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's figures: accuracy before the change, on the changed scene before and after the swap,
 * the time from the clips' arrival to the swap, latency during training, and whether any frame was
 * lost or repeated.
 */
public record DemoReport(
    double seconds,
    double changeSecond,
    double clipsSecond,
    Double trainingStartSecond,
    Double gateSecond,
    Double swapSecond,
    String gate,
    double accuracyBefore,
    double accuracyChangedOld,
    double accuracyChangedNew,
    long framesChangedNew,
    double toFirstResultMillis,
    double latencyP99,
    double latencyP99Training,
    long results,
    long dropped,
    long gaps,
    long repeats,
    long trainingFailures) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  static DemoReport of(
      DemoTimeline t,
      List<ControlEvent> journal,
      PipelineMetrics metrics,
      long startMillis,
      double changeSecond,
      double clipsSecond,
      double seconds) {
    Double trainingStart = first(journal, ControlEvent.TrainingStarted.class, startMillis);
    Double gate = first(journal, ControlEvent.GateDecided.class, startMillis);
    Double swap = first(journal, ControlEvent.Swapped.class, startMillis);
    String verdict =
        EventJournal.only(journal, ControlEvent.GateDecided.class).stream()
            .map(ControlEvent::describe)
            .reduce((a, b) -> b)
            .orElse("no gate decision");
    double toFirst =
        EventJournal.only(journal, ControlEvent.Swapped.class).stream()
            .mapToDouble(s -> s.report().toFirstResultMillis())
            .findFirst()
            .orElse(Double.NaN);
    double trainingEnd = swap != null ? swap : gate != null ? gate : seconds;
    return new DemoReport(
        seconds,
        changeSecond,
        clipsSecond,
        trainingStart,
        gate,
        swap,
        verdict,
        t.before().accuracy(),
        t.changedOld().accuracy(),
        t.changedNew().accuracy(),
        t.changedNew().frames(),
        toFirst,
        t.latencyQuantile(0.99),
        trainingStart == null ? Double.NaN : t.latencyQuantile(0.99, trainingStart, trainingEnd),
        t.results(),
        metrics.dropped(),
        t.gaps(),
        t.repeats(),
        EventJournal.only(journal, ControlEvent.TrainingFailed.class).size());
  }

  private static Double first(
      List<ControlEvent> journal, Class<? extends ControlEvent> type, long start) {
    return EventJournal.only(journal, type).stream()
        .map(e -> (e.at().toEpochMilli() - start) / 1000.0)
        .findFirst()
        .orElse(null);
  }

  /** The figures for people. */
  void print(PrintWriter out) {
    out.println();
    out.printf(Locale.ROOT, "vigil demo: %.0f s, %,d results%n", seconds, results);
    out.printf(
        Locale.ROOT, "  accuracy on the original scene:             %s%n", percent(accuracyBefore));
    out.printf(
        Locale.ROOT,
        "  accuracy on the changed scene, old model:   %s%n",
        percent(accuracyChangedOld));
    out.printf(
        Locale.ROOT,
        "  accuracy on the changed scene, new model:   %s (%,d frames)%n",
        percent(accuracyChangedNew),
        framesChangedNew);
    out.println("  " + gate);
    if (swapSecond != null) {
      out.printf(
          Locale.ROOT,
          "  from the clips' arrival to the swap: %.1f s; first result of the new version %.0f ms"
              + " after the swap%n",
          swapSecond - clipsSecond,
          toFirstResultMillis);
    } else {
      out.println("  no swap happened");
    }
    out.printf(
        Locale.ROOT,
        "  latency p99: %.1f ms overall, %.1f ms while training%n",
        latencyP99,
        latencyP99Training);
    out.printf(
        Locale.ROOT,
        "  frames dropped %d, missing %d, repeated %d; failed trainings %d%n",
        dropped,
        gaps,
        repeats,
        trainingFailures);
  }

  private static String percent(double a) {
    return Double.isNaN(a) ? "n/a" : String.format(Locale.ROOT, "%.2f %%", 100 * a);
  }

  /** Writes the figures as JSON, atomically. */
  void writeJson(Path file) throws IOException {
    ObjectNode root = JSON.valueToTree(this);
    AtomicFiles.write(file, ByteBuffer.wrap(JSON.writeValueAsBytes(root)));
  }

  /** The chart's moments. */
  List<TimelineChart.Mark> marks() {
    List<TimelineChart.Mark> marks = new ArrayList<>();
    marks.add(new TimelineChart.Mark(changeSecond, "scene changes", new Color(0x555555)));
    marks.add(new TimelineChart.Mark(clipsSecond, "labeled clips arrive", new Color(0x2ca02c)));
    if (swapSecond != null) {
      marks.add(new TimelineChart.Mark(swapSecond, "swap", new Color(0x9467bd)));
    }
    return marks;
  }

  /** The chart's stretches: the training. */
  List<TimelineChart.Span> spans() {
    List<TimelineChart.Span> spans = new ArrayList<>();
    if (trainingStartSecond != null) {
      double end = gateSecond != null ? gateSecond : seconds;
      spans.add(new TimelineChart.Span(trainingStartSecond, end, "training", new Color(0xffbb78)));
    }
    return spans;
  }
}

package io.vigil.pipeline.service;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import io.vigil.engine.train.GateVerdict;
import io.vigil.pipeline.control.ControlEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The control plane as Prometheus metrics, read from the event journal at scrape time: the active
 * model version as an info metric ({@code vigil_model_info{version="v3"} 1}), swaps and refused
 * activations, published versions, trainer runs started and failed, whether the trainer is paused,
 * labeled clips taken and set aside, gate decisions by outcome and the four accuracies of the last
 * decision.
 *
 * <p>The journal is append-only, so each scrape reads only the events added since the last one; a
 * journal that shrank (not one of ours) is read again from the start, which Prometheus sees as a
 * counter reset.
 */
final class JournalCollector implements MultiCollector {

  private final List<ControlEvent> journal;
  private final Supplier<String> activeVersion;

  // Guarded by this: scrapes may overlap.
  private int seen;
  private long swaps;
  private long swapRefusals;
  private long published;
  private long runsStarted;
  private long runsFailed;
  private long clipsArrived;
  private long clipsRejected;
  private long gatePassed;
  private long gateRefused;
  private boolean trainerPaused;
  private GateVerdict lastVerdict;

  JournalCollector(List<ControlEvent> journal, Supplier<String> activeVersion) {
    this.journal = Objects.requireNonNull(journal, "journal");
    this.activeVersion = Objects.requireNonNull(activeVersion, "activeVersion");
  }

  @Override
  public synchronized MetricSnapshots collect() {
    catchUp();
    List<MetricSnapshot> out = new ArrayList<>();
    InfoSnapshot.Builder info =
        InfoSnapshot.builder().name("vigil_model").help("The model version the streams run.");
    String version = activeVersion.get();
    if (version != null && !version.isEmpty()) {
      info.dataPoint(InfoDataPointSnapshot.builder().labels(Labels.of("version", version)).build());
    }
    out.add(info.build());
    out.add(
        counter("vigil_model_swaps", "Hot swaps of the running model, rollbacks included.", swaps));
    out.add(
        counter(
            "vigil_model_swap_refusals",
            "Activations refused; the old version kept serving.",
            swapRefusals));
    out.add(
        counter(
            "vigil_model_versions_published",
            "Versions the trainer wrote to the registry.",
            published));
    out.add(counter("vigil_trainer_runs_started", "Fine-tuning runs started.", runsStarted));
    out.add(
        counter(
            "vigil_trainer_runs_failed",
            "Fine-tuning runs that failed (the trainer restarts after a backoff).",
            runsFailed));
    out.add(
        GaugeSnapshot.builder()
            .name("vigil_trainer_paused")
            .help("1 while the trainer yields the CPU to keep real-time latency in bound, else 0.")
            .dataPoint(GaugeDataPointSnapshot.builder().value(trainerPaused ? 1 : 0).build())
            .build());
    out.add(counter("vigil_clips_arrived", "Labeled clips queued for training.", clipsArrived));
    out.add(counter("vigil_clips_rejected", "Labeled clips set aside as unusable.", clipsRejected));
    out.add(
        CounterSnapshot.builder()
            .name("vigil_gate_decisions")
            .help("Validation gate decisions on candidate versions, by outcome.")
            .dataPoint(outcome("passed", gatePassed))
            .dataPoint(outcome("refused", gateRefused))
            .build());
    GaugeSnapshot.Builder accuracy =
        GaugeSnapshot.builder()
            .name("vigil_gate_accuracy_ratio")
            .help(
                "Accuracies of the last gate decision: base and candidate model on the new"
                    + " scene's held-out frames and on the original test data.")
            .unit(Unit.RATIO);
    if (lastVerdict != null) {
      accuracy
          .dataPoint(accuracy("new", "base", lastVerdict.newBefore()))
          .dataPoint(accuracy("new", "candidate", lastVerdict.newAfter()))
          .dataPoint(accuracy("original", "base", lastVerdict.originalBefore()))
          .dataPoint(accuracy("original", "candidate", lastVerdict.originalAfter()));
    }
    out.add(accuracy.build());
    return new MetricSnapshots(out);
  }

  private void catchUp() {
    int size = journal.size();
    if (size < seen) {
      reset();
    }
    // get(i) rather than an iterator or subList: the journal grows while it is read.
    for (int i = seen; i < size; i++) {
      add(journal.get(i));
    }
    seen = size;
  }

  private void add(ControlEvent e) {
    if (e instanceof ControlEvent.Swapped) {
      swaps++;
    } else if (e instanceof ControlEvent.SwapRefused) {
      swapRefusals++;
    } else if (e instanceof ControlEvent.VersionPublished) {
      published++;
    } else if (e instanceof ControlEvent.TrainingStarted) {
      runsStarted++;
    } else if (e instanceof ControlEvent.TrainingFailed) {
      runsFailed++;
    } else if (e instanceof ControlEvent.TrainerYield y) {
      trainerPaused = y.paused();
    } else if (e instanceof ControlEvent.ClipsArrived c) {
      clipsArrived += c.clips().size();
    } else if (e instanceof ControlEvent.ClipRejected) {
      clipsRejected++;
    } else if (e instanceof ControlEvent.GateDecided g) {
      if (g.verdict().passed()) {
        gatePassed++;
      } else {
        gateRefused++;
      }
      lastVerdict = g.verdict();
    }
  }

  private void reset() {
    seen = 0;
    swaps = 0;
    swapRefusals = 0;
    published = 0;
    runsStarted = 0;
    runsFailed = 0;
    clipsArrived = 0;
    clipsRejected = 0;
    gatePassed = 0;
    gateRefused = 0;
    trainerPaused = false;
    lastVerdict = null;
  }

  private static CounterSnapshot counter(String name, String help, long value) {
    return CounterSnapshot.builder()
        .name(name)
        .help(help)
        .dataPoint(CounterDataPointSnapshot.builder().value(value).build())
        .build();
  }

  private static CounterDataPointSnapshot outcome(String outcome, long value) {
    return CounterDataPointSnapshot.builder()
        .labels(Labels.of("outcome", outcome))
        .value(value)
        .build();
  }

  private static GaugeDataPointSnapshot accuracy(String data, String model, double value) {
    return GaugeDataPointSnapshot.builder()
        .labels(Labels.of("data", data, "model", model))
        .value(value)
        .build();
  }
}

package io.vigil.pipeline.service;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import io.vigil.engine.train.EpochSummary;
import io.vigil.engine.train.TrainingListener;
import io.vigil.engine.train.TrainingProgress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The trainer's epochs as Prometheus metrics: epochs finished ({@code vigil_trainer_epochs_total})
 * and, once one has finished, the last epoch's mean training loss and test accuracy. The journal
 * says only when a run starts and how it ends; epochs are heard here, as the {@link
 * TrainingListener} handed to the fine-tune (called on the training thread, read by scrapes).
 */
final class TrainingMetrics implements TrainingListener, MultiCollector {

  private final AtomicLong epochs = new AtomicLong();
  private volatile EpochSummary last;

  @Override
  public void onProgress(TrainingProgress p) {
    // Per-second progress is for people watching; Prometheus samples finished epochs.
  }

  @Override
  public void onEpochEnd(EpochSummary s) {
    last = s;
    epochs.incrementAndGet();
  }

  @Override
  public MetricSnapshots collect() {
    EpochSummary s = last;
    GaugeSnapshot.Builder loss =
        GaugeSnapshot.builder()
            .name("vigil_trainer_epoch_loss")
            .help("Mean training loss of the last epoch finished.");
    GaugeSnapshot.Builder accuracy =
        GaugeSnapshot.builder()
            .name("vigil_trainer_epoch_test_accuracy_ratio")
            .help("Test accuracy after the last epoch finished.")
            .unit(Unit.RATIO);
    // Before the first epoch there is no last loss or accuracy; a 0 would read as a real figure.
    if (s != null) {
      loss.dataPoint(GaugeDataPointSnapshot.builder().value(s.meanLoss()).build());
      accuracy.dataPoint(GaugeDataPointSnapshot.builder().value(s.testAccuracy()).build());
    }
    return MetricSnapshots.of(
        CounterSnapshot.builder()
            .name("vigil_trainer_epochs")
            .help("Fine-tuning epochs finished, over all runs.")
            .dataPoint(CounterDataPointSnapshot.builder().value(epochs.get()).build())
            .build(),
        loss.build(),
        accuracy.build());
  }
}

package io.vigil.engine.train;

import java.time.Duration;

/**
 * Where a run stands: epoch {@code epoch} (1-based) of {@code epochs}, {@code samplesDone} of
 * {@code samplesPerEpoch} in this epoch, throughput, the mean loss of this epoch so far, and the
 * estimated time left for the whole run.
 */
public record TrainingProgress(
    int epoch,
    int epochs,
    long samplesDone,
    long samplesPerEpoch,
    double samplesPerSecond,
    double meanLoss,
    Duration eta) {}

package io.vigil.engine.train;

import io.vigil.engine.model.Model;

/**
 * The outcome of {@link FineTuner#run}: the fine-tuned {@code candidate} (whether or not it passed;
 * publish it only if {@code verdict.passed()}), the gate's verdict, the training run's figures (its
 * test accuracy is the candidate's on the new scene's held-out frames), and how many new and how
 * many replayed images each epoch trained on (the replayed ones differ from epoch to epoch).
 */
public record FineTuneResult(
    Model candidate,
    GateVerdict verdict,
    TrainingResult training,
    int newImages,
    int replayedImages) {}

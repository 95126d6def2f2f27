package io.vigil.engine.train;

import java.time.Duration;

/**
 * The outcome of {@link Trainer#fit}: test accuracy after the last epoch, the last epoch's mean
 * training loss, wall time, epochs run, and the test confusion matrix ({@code confusion[true][
 * predicted]}).
 */
public record TrainingResult(
    double testAccuracy, double finalLoss, Duration elapsed, int epochs, int[][] confusion) {}

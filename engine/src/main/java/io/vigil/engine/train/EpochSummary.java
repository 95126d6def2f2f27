package io.vigil.engine.train;

import java.time.Duration;

/** One finished epoch (1-based): its mean training loss, test accuracy, and time since start. */
public record EpochSummary(
    int epoch, int epochs, double meanLoss, double testAccuracy, Duration elapsed) {}

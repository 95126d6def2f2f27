package io.vigil.engine.train;

/**
 * What the validation gate decided ({@link GateConfig#judge}): whether the candidate passed, the
 * four accuracies it was judged on (fractions in [0, 1]: base and candidate on the new scene's
 * held-out frames, base and candidate on the original test data), and {@code reason}, one line with
 * those figures in points, the thresholds, and on a rejection which test failed.
 */
public record GateVerdict(
    boolean passed,
    double newBefore,
    double newAfter,
    double originalBefore,
    double originalAfter,
    String reason) {}

package io.vigil.pipeline.stream;

/**
 * How a hot swap went ({@link ModelSwapTarget#swap}).
 *
 * @param fromVersion the version whose batches came just before the first batch of the new one
 * @param toVersion the version swapped in
 * @param loadMillis building the new classifier plus its trial batch, milliseconds
 * @param toFirstResultMillis from the swap call to the first result of the new version written,
 *     milliseconds
 * @param framesBefore results of {@code fromVersion} written so far in this run, all streams
 *     together (every one of them before the first result of the new version)
 */
public record SwapReport(
    String fromVersion,
    String toVersion,
    double loadMillis,
    double toFirstResultMillis,
    long framesBefore) {}

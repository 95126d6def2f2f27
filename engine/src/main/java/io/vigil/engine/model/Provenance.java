package io.vigil.engine.model;

/**
 * Where a model came from: the data set it was trained on, epochs, test accuracy, the version it
 * was fine-tuned from ({@code parentVersion}, null for a model trained from scratch), when it was
 * made (ISO-8601, e.g. {@code 2026-11-23T10:15:30Z}) and free-form notes.
 */
public record Provenance(
    String dataset,
    int epochs,
    double testAccuracy,
    String parentVersion,
    String createdAt,
    String notes) {}

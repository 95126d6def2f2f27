package io.vigil.pipeline.result;

/** One class and the probability the model gave it. */
public record LabelScore(int classIndex, String label, float score) {}

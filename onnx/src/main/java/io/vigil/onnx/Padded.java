package io.vigil.onnx;

/**
 * The output of an ONNX {@code Pad} (constant zeros, the same on both sides of each spatial axis)
 * that vigil does not compute as a node of its own: the next Conv or pool takes the padding into
 * its own.
 */
record Padded(Activation source, int padH, int padW, NodeRef pad) {}

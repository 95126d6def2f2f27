package io.vigil.bench.ort;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * ONNX Runtime on one ONNX graph, set up as issue 19's peer: the CPU execution provider, two
 * intra-op threads, one inter-op thread, sequential execution and every graph optimisation
 * (constant folding, fusions, the NCHWc layout of its MLAS kernels).
 */
final class OrtPeer implements AutoCloseable {

  /** The intra-op threads: the engine's two workers. */
  static final int THREADS = 2;

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final String inputName;

  /**
   * A session on {@code onnx}; with {@code profilePrefix} non-null ONNX Runtime records every
   * node's time into a JSON trace whose name starts with it (see {@link #endProfiling}).
   */
  OrtPeer(byte[] onnx, String profilePrefix) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(THREADS);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      if (profilePrefix != null) {
        options.enableProfiling(profilePrefix);
      }
      session = env.createSession(onnx, options);
    }
    inputName = session.getInputNames().iterator().next();
  }

  /** A batch of {@code shape} ({@code n × C × H × W}) images ready to run again and again. */
  Batch batch(float[] input, long[] shape) throws OrtException {
    return new Batch(OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape));
  }

  /** Stops profiling; returns the trace file's name. */
  String endProfiling() throws OrtException {
    return session.endProfiling();
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }

  /** One input tensor, made once, so that a timed run is only the session's work. */
  final class Batch implements AutoCloseable {

    private final OnnxTensor tensor;

    private Batch(OnnxTensor tensor) {
      this.tensor = tensor;
    }

    /** Runs the graph and drops its output. */
    void run() {
      try (OrtSession.Result ignored = session.run(Map.of(inputName, tensor))) {
        // The output stays in ONNX Runtime's memory; the timed loop does not copy it out.
      } catch (OrtException e) {
        throw new IllegalStateException("ONNX Runtime run failed: " + e.getMessage(), e);
      }
    }

    /** The graph's first output, flattened. */
    float[] logits() throws OrtException {
      try (OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
        OnnxTensor out = (OnnxTensor) result.get(0);
        FloatBuffer values = out.getFloatBuffer();
        float[] flat = new float[values.remaining()];
        values.get(flat);
        return flat;
      }
    }

    @Override
    public void close() {
      tensor.close();
    }
  }
}

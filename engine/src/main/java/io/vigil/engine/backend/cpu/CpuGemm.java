package io.vigil.engine.backend.cpu;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the CPU GEMM kernel once per process and announces it. {@link VectorGemm} (Vector API)
 * when the JVM was started with {@code --add-modules jdk.incubator.vector}, else {@link
 * ScalarGemm}, with a warning that says how to get the fast one. The system property {@value
 * #PROPERTY} forces a choice: {@code vector} (fails if the module is missing), {@code scalar}, or
 * {@code auto} (the default).
 */
final class CpuGemm {

  static final String PROPERTY = "vigil.gemm";

  static final String VECTOR_MODULE = "jdk.incubator.vector";

  private static final Logger LOG = LoggerFactory.getLogger(CpuGemm.class);

  private static final class Chosen {
    static final GemmKernel KERNEL = announce(choose(System.getProperty(PROPERTY, "auto")));
  }

  private CpuGemm() {}

  /** The kernel every CPU backend in this process uses. */
  static GemmKernel kernel() {
    return Chosen.KERNEL;
  }

  /** True when the JVM resolved the Vector API module (it is not resolved by default). */
  static boolean vectorApiPresent() {
    return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
  }

  /** The kernel for a {@value #PROPERTY} setting, given whether the Vector API is present. */
  static GemmKernel choose(String setting) {
    String name = setting.trim().toLowerCase(Locale.ROOT);
    switch (name) {
      case "scalar":
        return ScalarGemm.INSTANCE;
      case "vector":
        if (!vectorApiPresent()) {
          throw new IllegalStateException(
              PROPERTY
                  + "=vector, but module "
                  + VECTOR_MODULE
                  + " is not loaded: start java with --add-modules "
                  + VECTOR_MODULE);
        }
        return loadVector();
      case "auto":
        return vectorApiPresent() ? loadVector() : ScalarGemm.INSTANCE;
      default:
        throw new IllegalArgumentException(
            "unknown " + PROPERTY + " '" + setting + "'; known: auto, vector, scalar");
    }
  }

  /** Loaded by name so that this class links without the incubator module. */
  private static GemmKernel loadVector() {
    return VectorForms.load(GemmKernel.class, "VectorGemm", "GEMM kernel");
  }

  /** One line, once per process: which kernel runs, and how to get the fast one if it is not. */
  private static GemmKernel announce(GemmKernel kernel) {
    if (kernel instanceof ScalarGemm) {
      if (vectorApiPresent()) {
        LOG.info("GEMM kernel: scalar (forced by -D{}=scalar)", PROPERTY);
      } else {
        LOG.warn(
            "GEMM kernel: scalar, about 10× slower: module {} is not loaded; start java with"
                + " --add-modules {} for the Vector API kernel",
            VECTOR_MODULE,
            VECTOR_MODULE);
      }
    } else {
      LOG.info("GEMM kernel: {}", kernel.describe());
    }
    return kernel;
  }
}

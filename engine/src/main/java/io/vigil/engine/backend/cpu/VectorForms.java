package io.vigil.engine.backend.cpu;

/**
 * Loads the Vector API form of a kernel by name, so that the classes that choose between it and
 * their plain-Java form link without the incubator module ({@code jdk.incubator.vector}).
 */
final class VectorForms {

  private VectorForms() {}

  /**
   * The {@code INSTANCE} of class {@code simpleName} in this package, as a {@code type}; fails
   * naming {@code what} if it cannot be loaded (the module is missing).
   */
  static <T> T load(Class<T> type, String simpleName, String what) {
    try {
      return type.cast(
          Class.forName(VectorForms.class.getPackageName() + "." + simpleName)
              .getDeclaredField("INSTANCE")
              .get(null));
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("cannot load the Vector API " + what, e);
    }
  }
}

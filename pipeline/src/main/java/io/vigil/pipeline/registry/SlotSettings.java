package io.vigil.pipeline.registry;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.List;

/**
 * What the running outputs accept besides the serving model's own class list, from {@code
 * vigil.registry.accept-classes}: a list of class lists (names in index order). A version whose
 * classes are one of them fits the slot although they differ from the serving model's ({@link
 * ModelRegistry#checkFits}); the input must still match.
 */
public final class SlotSettings {

  private SlotSettings() {}

  /**
   * The class lists the outputs accept.
   *
   * @throws IllegalArgumentException naming the key when it is not a list of lists of names
   */
  public static List<List<String>> acceptedClassLists(Config config) {
    String key = "vigil.registry.accept-classes";
    if (!config.hasPath(key)) {
      return List.of();
    }
    try {
      return config.getList(key).stream()
          .map(
              v -> {
                if (!(v.unwrapped() instanceof List<?> names) || names.isEmpty()) {
                  throw new IllegalArgumentException(
                      key
                          + ": each entry must be a non-empty list of class names, got "
                          + v.render());
                }
                return names.stream().map(String::valueOf).toList();
              })
          .toList();
    } catch (ConfigException e) {
      throw new IllegalArgumentException("bad configuration: " + e.getMessage(), e);
    }
  }
}

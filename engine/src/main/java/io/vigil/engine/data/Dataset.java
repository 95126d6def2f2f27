package io.vigil.engine.data;

import java.util.List;

/**
 * A training set, a test set and the names of their classes (label {@code i} is {@code
 * classNames.get(i)}), with a line saying where they came from.
 */
public record Dataset(
    LabeledImages train, LabeledImages test, List<String> classNames, String description) {

  public Dataset {
    classNames = List.copyOf(classNames);
    for (LabeledImages set : List.of(train, test)) {
      for (int label : set.labels()) {
        if (label < 0 || label >= classNames.size()) {
          throw new IllegalArgumentException(
              description + ": label " + label + " has no class name (" + classNames.size() + ")");
        }
      }
    }
  }
}

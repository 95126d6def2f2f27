package io.vigil.engine.data;

import java.util.List;

/**
 * The test images of a data directory, the names of their classes (label {@code i} is {@code
 * classNames.get(i)}) and a line saying where they came from.
 */
public record TestSet(LabeledImages images, List<String> classNames, String description) {

  public TestSet {
    classNames = List.copyOf(classNames);
    for (int label : images.labels()) {
      if (label < 0 || label >= classNames.size()) {
        throw new IllegalArgumentException(
            description + ": label " + label + " has no class name (" + classNames.size() + ")");
      }
    }
  }
}

package io.vigil.engine.summary;

import io.vigil.engine.model.InputContract;
import java.util.ArrayList;
import java.util.List;

/**
 * What a model takes and gives, in words: its input contract (channels, size, the normalisation per
 * channel) and its class names, the lines a model's summary starts with.
 */
public final class ContractSummary {

  /** Class names listed before the rest are only counted. */
  static final int CLASSES_SHOWN = 20;

  private ContractSummary() {}

  /**
   * One line for the input contract, e.g. {@code input: 3×224×224 RGB, pixels scaled to [0, 1],
   * then (p − mean) / std per channel: mean 0.485, 0.456, 0.406, std 0.229, 0.224, 0.225}.
   */
  public static String input(InputContract contract) {
    String shape =
        contract.channels()
            + "×"
            + contract.height()
            + "×"
            + contract.width()
            + (contract.channels() == 1 ? " gray" : " RGB");
    String normalisation;
    if (!contract.uniform()) {
      normalisation =
          "then (p − mean) / std per channel (R, G, B): mean "
              + join(contract.means())
              + ", std "
              + join(contract.stds());
    } else if (contract.mean() == 0f && contract.std() == 1f) {
      normalisation = "no mean or std";
    } else {
      normalisation = "then (p − " + contract.mean() + ") / " + contract.std();
    }
    return "input: " + shape + ", pixels scaled to [0, 1], " + normalisation;
  }

  /**
   * One line for the class names, e.g. {@code classes (10): T-shirt/top, Trouser, …}; past {@value
   * #CLASSES_SHOWN} names the rest are counted.
   */
  public static String classes(List<String> classNames) {
    List<String> shown =
        new ArrayList<>(classNames.subList(0, Math.min(CLASSES_SHOWN, classNames.size())));
    if (classNames.size() > shown.size()) {
      shown.add("and " + (classNames.size() - shown.size()) + " more");
    }
    return "classes (" + classNames.size() + "): " + String.join(", ", shown);
  }

  private static String join(float[] values) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      s.append(i == 0 ? "" : ", ").append(values[i]);
    }
    return s.toString();
  }
}

package io.vigil.pipeline.registry;

import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.Predictor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The checks a version passes before it may serve: it fits the slot, and it runs. Stateless; see
 * {@link ModelRegistry#checkFits} and {@link ModelRegistry#verifyRuns}.
 */
final class SlotChecks {

  /** How far from 1 the probabilities of one image may sum: float32 softmax rounding. */
  static final double SUM_TOLERANCE = 1e-3;

  private SlotChecks() {}

  static void checkFits(Model candidate, Model serving, List<List<String>> acceptedClassLists) {
    List<String> differences = new ArrayList<>();
    InputContract c = candidate.input();
    InputContract s = serving.input();
    compare(differences, "input channels", c.channels(), s.channels());
    compare(differences, "input height", c.height(), s.height());
    compare(differences, "input width", c.width(), s.width());
    compare(differences, "normalisation mean", means(c), means(s));
    compare(differences, "normalisation std", stds(c), stds(s));
    List<String> classes = candidate.classNames();
    List<String> slotClasses = serving.classNames();
    if (!classes.equals(slotClasses) && !acceptedClassLists.contains(classes)) {
      differences.add(
          classListDifference(classes, slotClasses)
              + (acceptedClassLists.isEmpty()
                  ? ", and the outputs accept no other list"
                  : ", and it is none of the "
                      + acceptedClassLists.size()
                      + " lists the outputs accept"));
    }
    if (!differences.isEmpty()) {
      throw new SlotMismatchException(candidate.version(), serving.version(), differences);
    }
  }

  /** One number for a uniform contract, else one per channel ({@code [0.485, 0.456, 0.406]}). */
  private static String means(InputContract c) {
    return c.uniform() ? String.valueOf(c.mean()) : Arrays.toString(c.means());
  }

  private static String stds(InputContract c) {
    return c.uniform() ? String.valueOf(c.std()) : Arrays.toString(c.stds());
  }

  private static void compare(List<String> differences, String field, Object mine, Object slots) {
    if (!mine.equals(slots)) {
      differences.add(field + " is " + mine + ", the slot's is " + slots);
    }
  }

  private static String classListDifference(List<String> classes, List<String> slotClasses) {
    int common = Math.min(classes.size(), slotClasses.size());
    int first = 0;
    while (first < common && classes.get(first).equals(slotClasses.get(first))) {
      first++;
    }
    String where;
    if (first < common) {
      where =
          "class "
              + first
              + " is '"
              + classes.get(first)
              + "' where the slot has '"
              + slotClasses.get(first)
              + "'";
    } else {
      where = "they agree on the first " + common + " classes";
    }
    return "class list has "
        + classes.size()
        + " classes, the slot's "
        + slotClasses.size()
        + " ("
        + where
        + ")";
  }

  static void verifyRuns(Model model) {
    float[] image = new float[model.input().size()];
    float[] probabilities = new float[model.classNames().size()];
    try (Predictor predictor = model.newPredictor(1)) {
      predictor.predict(image, 1, probabilities);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          model.version() + " does not run: one all-zero image failed: " + e.getMessage(), e);
    }
    double sum = 0;
    for (int i = 0; i < probabilities.length; i++) {
      if (!Float.isFinite(probabilities[i])) {
        throw new IllegalStateException(
            model.version()
                + " does not run: on an all-zero image, the probability of class "
                + i
                + " ("
                + model.classNames().get(i)
                + ") is "
                + probabilities[i]);
      }
      sum += probabilities[i];
    }
    if (Math.abs(sum - 1) > SUM_TOLERANCE) {
      throw new IllegalStateException(
          model.version()
              + " does not run: on an all-zero image its probabilities sum to "
              + sum
              + ", not 1");
    }
  }
}

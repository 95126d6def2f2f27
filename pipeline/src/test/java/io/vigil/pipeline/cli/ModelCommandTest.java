package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.pipeline.analyze.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** `vigil model summary` and `vigil model zoo`. */
class ModelCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  @Test
  void summaryOfVgg16GivesTheCs231nTotals() {
    assertEquals(0, run("model", "summary", "vgg16"), err.toString());
    String printed = out.toString();
    assertTrue(printed.contains("conv1_1"), printed);
    assertTrue(printed.contains("138,357,544 parameters"), printed);
    assertTrue(printed.contains("3,211,264"), "conv1_1's 224×224×64 activations:\n" + printed);
  }

  @Test
  void summaryOfTheShippedModelFile() {
    assertEquals(0, run("model", "summary", TestModels.SHIPPED.toString()), err.toString());
    assertTrue(out.toString().contains("61,706 parameters"), out.toString());
    assertTrue(
        out.toString()
            .contains("input: 1×28×28 gray, pixels scaled to [0, 1], then (p − 0.286) / 0.353"),
        out.toString());
    assertTrue(
        out.toString().contains("classes (10): T-shirt/top, Trouser, Pullover, Dress, Coat,"),
        out.toString());
  }

  @Test
  void zooListsEveryNetwork() {
    assertEquals(0, run("model", "zoo"));
    String[] names = {
      "lenet5",
      "lenet5-classic",
      "vgg-small",
      "alexnet",
      "vgg11",
      "vgg16",
      "googlenet",
      "resnet18",
      "resnet34"
    };
    for (String name : names) {
      assertTrue(out.toString().contains(name + " "), out.toString());
    }
    // One column of descriptions, however long the names: each starts at the same offset.
    java.util.Set<Integer> starts = new java.util.HashSet<>();
    java.util.regex.Pattern nameAndGap = java.util.regex.Pattern.compile("^\\S+\\s+");
    for (String line : out.toString().split("\\R")) {
      java.util.regex.Matcher m = nameAndGap.matcher(line);
      if (m.find()) {
        starts.add(m.end());
      }
    }
    assertEquals(1, starts.size(), out.toString());
  }

  @Test
  void unknownNameSaysWhatIsKnown() {
    assertEquals(Main.FAILED, run("model", "summary", "resnet19"));
    assertTrue(err.toString().contains("resnet19") && err.toString().contains("resnet18"));
  }
}

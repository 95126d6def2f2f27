package io.vigil.engine.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.engine.model.InputContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContractSummaryTest {

  @Test
  void perChannelContractListsEachChannelsMeanAndStd() {
    InputContract imagenet =
        InputContract.perChannel(
            3,
            224,
            224,
            new float[] {0.485f, 0.456f, 0.406f},
            new float[] {0.229f, 0.224f, 0.225f});
    assertEquals(
        "input: 3×224×224 RGB, pixels scaled to [0, 1], then (p − mean) / std per channel (R, G,"
            + " B): mean 0.485, 0.456, 0.406, std 0.229, 0.224, 0.225",
        ContractSummary.input(imagenet));
  }

  @Test
  void uniformContractsSayTheirOneNormalisation() {
    assertEquals(
        "input: 1×28×28 gray, pixels scaled to [0, 1], then (p − 0.286) / 0.353",
        ContractSummary.input(new InputContract(1, 28, 28, 0.286f, 0.353f)));
    assertEquals(
        "input: 3×32×32 RGB, pixels scaled to [0, 1], no mean or std",
        ContractSummary.input(new InputContract(3, 32, 32, 0f, 1f)));
  }

  @Test
  void longClassListsAreCounted() {
    assertEquals("classes (2): cat, dog", ContractSummary.classes(List.of("cat", "dog")));
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      many.add("c" + i);
    }
    String line = ContractSummary.classes(many);
    assertEquals(true, line.startsWith("classes (1000): c0, c1, "), line);
    assertEquals(true, line.endsWith(", c19, and 980 more"), line);
  }
}

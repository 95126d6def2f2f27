package io.vigil.engine.summary;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.zoo.LeNet5;
import io.vigil.engine.zoo.ModelZoo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The totals line of `vigil model summary` says something for small networks and large. */
class SummaryTableTest {

  private static String total(List<String> lines) {
    return lines.stream().filter(l -> l.startsWith("total:")).findFirst().orElseThrow();
  }

  @Test
  void leNetsMultiplyAddsShowTheirDigits() {
    String total = total(SummaryTable.render(NetworkSummary.of(LeNet5.spec(10))));
    assertTrue(total.contains("416,520 multiply-adds (0.417 M; 0.833 MFLOPs)"), total);
  }

  @Test
  void vgg16sMultiplyAddsAreInGiga() {
    String total = total(SummaryTable.render(NetworkSummary.of(ModelZoo.get("vgg16").spec(1000))));
    assertTrue(total.contains("(15.5 G; 30.9 GFLOPs)"), total);
  }
}

package io.vigil.pipeline.registry;

import static io.vigil.pipeline.registry.RegistryFixtures.shipped;
import static io.vigil.pipeline.registry.RegistryFixtures.tiny;
import static io.vigil.pipeline.registry.RegistryFixtures.tinyFitting;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.zoo.LeNet5;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whether a candidate fits the serving model's slot, and whether it runs. */
class SlotChecksTest {

  private static final InputContract SLOT = LeNet5.INPUT;

  @Test
  void aDifferentNetworkWithTheSameInputAndClassesFits() throws IOException {
    assertDoesNotThrow(() -> ModelRegistry.checkFits(tinyFitting(), shipped(), List.of()));
  }

  @Test
  void aDifferentInputSizeIsRefusedNamingBothVersionsAndTheFields() throws IOException {
    Model serving = shipped();
    Model candidate =
        tiny("big", new InputContract(1, 32, 30, SLOT.mean(), SLOT.std()), serving.classNames());
    SlotMismatchException e =
        assertThrows(
            SlotMismatchException.class,
            () -> ModelRegistry.checkFits(candidate, serving, List.of()));
    assertEquals(candidate.version(), e.candidateVersion());
    assertEquals(serving.version(), e.servingVersion());
    assertEquals(
        List.of("input height is 32, the slot's is 28", "input width is 30, the slot's is 28"),
        e.differences());
    assertTrue(
        e.getMessage()
            .startsWith(
                candidate.version() + " does not fit the slot served by " + serving.version()),
        e.getMessage());
  }

  @Test
  void differentChannelsAndNormalisationAreRefused() throws IOException {
    Model serving = shipped();
    Model candidate = tiny("rgb", new InputContract(3, 28, 28, 0.5f, 0.25f), serving.classNames());
    SlotMismatchException e =
        assertThrows(
            SlotMismatchException.class,
            () -> ModelRegistry.checkFits(candidate, serving, List.of()));
    assertEquals(
        List.of(
            "input channels is 3, the slot's is 1",
            "normalisation mean is 0.5, the slot's is 0.286",
            "normalisation std is 0.25, the slot's is 0.353"),
        e.differences());
  }

  @Test
  void perChannelNormalisationIsComparedChannelByChannel() {
    float[] std = {0.229f, 0.224f, 0.225f};
    InputContract imagenet =
        InputContract.perChannel(3, 8, 8, new float[] {0.485f, 0.456f, 0.406f}, std);
    InputContract otherGreen =
        InputContract.perChannel(3, 8, 8, new float[] {0.485f, 0.5f, 0.406f}, std);
    List<String> classes = List.of("a", "b");
    Model serving = tiny("serving", imagenet, classes);
    assertDoesNotThrow(
        () -> ModelRegistry.checkFits(tiny("same", imagenet, classes), serving, List.of()));
    SlotMismatchException e =
        assertThrows(
            SlotMismatchException.class,
            () -> ModelRegistry.checkFits(tiny("green", otherGreen, classes), serving, List.of()));
    assertEquals(
        List.of("normalisation mean is [0.485, 0.5, 0.406], the slot's is [0.485, 0.456, 0.406]"),
        e.differences());
    SlotMismatchException uniform =
        assertThrows(
            SlotMismatchException.class,
            () ->
                ModelRegistry.checkFits(
                    tiny("uniform", new InputContract(3, 8, 8, 0.449f, 0.226f), classes),
                    serving,
                    List.of()));
    assertEquals(
        List.of(
            "normalisation mean is 0.449, the slot's is [0.485, 0.456, 0.406]",
            "normalisation std is 0.226, the slot's is [0.229, 0.224, 0.225]"),
        uniform.differences());
  }

  @Test
  void aDifferentClassListIsRefusedSayingWhereItDiffers() throws IOException {
    Model serving = shipped();
    List<String> swapped = new ArrayList<>(FashionMnist.CLASS_NAMES);
    swapped.set(3, "Gown");
    Model candidate = tiny("renamed", SLOT, swapped);
    SlotMismatchException e =
        assertThrows(
            SlotMismatchException.class,
            () -> ModelRegistry.checkFits(candidate, serving, List.of()));
    assertEquals(1, e.differences().size());
    String why = e.differences().get(0);
    assertTrue(why.contains("class 3 is 'Gown' where the slot has 'Dress'"), why);
    assertTrue(why.contains("the outputs accept no other list"), why);
    assertTrue(e.getMessage().contains(candidate.version()), e.getMessage());
    assertTrue(e.getMessage().contains(serving.version()), e.getMessage());

    Model fewer = tiny("fewer", SLOT, FashionMnist.CLASS_NAMES.subList(0, 3));
    SlotMismatchException shorter =
        assertThrows(
            SlotMismatchException.class,
            () -> ModelRegistry.checkFits(fewer, serving, List.of(swapped)));
    assertTrue(
        shorter.differences().get(0).contains("class list has 3 classes, the slot's 10"),
        shorter.getMessage());
    assertTrue(
        shorter.differences().get(0).contains("none of the 1 lists the outputs accept"),
        shorter.getMessage());
  }

  @Test
  void aClassListTheOutputsAcceptFits() throws IOException {
    List<String> accepted = List.of("top", "bottom", "shoe");
    Model candidate = tiny("coarse", SLOT, accepted);
    assertDoesNotThrow(
        () -> ModelRegistry.checkFits(candidate, shipped(), List.of(List.of("x"), accepted)));
  }

  @Test
  void theShippedModelRuns() throws IOException {
    assertDoesNotThrow(() -> ModelRegistry.verifyRuns(shipped()));
  }

  @Test
  void aModelWhoseOutputsAreNotFiniteDoesNotRun() throws IOException {
    Model poisoned = RegistryFixtures.poisoned();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> ModelRegistry.verifyRuns(poisoned));
    assertTrue(e.getMessage().startsWith(poisoned.version() + " does not run"), e.getMessage());
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
  }
}

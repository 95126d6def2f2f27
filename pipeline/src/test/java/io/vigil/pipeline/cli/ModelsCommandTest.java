package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.zoo.LeNet5;
import io.vigil.pipeline.analyze.TestModels;
import io.vigil.pipeline.registry.ModelRegistry;
import io.vigil.pipeline.registry.RegistryFixtures;
import io.vigil.pipeline.registry.VersionMetadata;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil models list|show|activate|rollback|import}: outputs and exit statuses. */
class ModelsCommandTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private String registry;
  private String shipped;

  @BeforeEach
  void locate() throws IOException {
    registry = dir.resolve("registry").toString();
    shipped = RegistryFixtures.shipped().version();
  }

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  private int models(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "models";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--registry";
    all[args.length + 2] = registry;
    return run(all);
  }

  private String publish(Model model, String parent) throws IOException {
    return ModelRegistry.open(Path.of(registry))
        .publish(model, new VersionMetadata(parent, "test", Map.of("accuracy", 0.875), "tuned"))
        .version();
  }

  private Optional<String> active() throws IOException {
    return ModelRegistry.open(Path.of(registry)).active();
  }

  /** The one line a refusal prints, checked to be one line. */
  private String oneLineOfErr() {
    String[] lines = err.toString().strip().split("\\R");
    assertEquals(1, lines.length, err.toString());
    return lines[0];
  }

  @Test
  void helpListsModelsBesideModel() {
    assertEquals(0, run("--help"));
    assertTrue(out.toString().contains("models"), out.toString());
    assertEquals(0, run("models", "--help"));
    for (String sub : new String[] {"list", "show", "activate", "rollback", "import"}) {
      assertTrue(out.toString().contains(sub), out.toString());
    }
  }

  @Test
  void anEmptyRegistrySaysSo() {
    assertEquals(0, models("list"), err.toString());
    assertTrue(out.toString().startsWith("no versions in "), out.toString());
  }

  @Test
  void importListShowActivateAndRollBack() throws IOException {
    assertEquals(0, models("import", TestModels.SHIPPED.toString()), err.toString());
    assertEquals("imported " + shipped + " from " + TestModels.SHIPPED, out.toString().strip());
    assertEquals(0, models("import", TestModels.SHIPPED.toString()), err.toString());
    assertTrue(out.toString().startsWith(shipped + " is already in "), out.toString());

    String tuned = publish(RegistryFixtures.fineTuned(1), shipped);

    assertEquals(0, models("activate", shipped), err.toString());
    assertEquals("activated " + shipped + " (none was active)", out.toString().strip());
    assertEquals(0, models("activate", tuned), err.toString());
    assertEquals("activated " + tuned + " (was " + shipped + ")", out.toString().strip());
    assertEquals(Optional.of(tuned), active());

    assertEquals(0, models("list"), err.toString());
    String[] lines = out.toString().split("\\R");
    assertEquals(3, lines.length, out.toString());
    assertTrue(lines[0].matches(" +VERSION +CREATED +PARENT +VALIDATION"), lines[0]);
    assertTrue(lines[1].matches("  " + shipped + " +\\S+Z +- +test_accuracy=0\\.9119"), lines[1]);
    assertTrue(
        lines[2].matches("\\* " + tuned + " +\\S+Z +" + shipped + " +accuracy=0\\.8750"), lines[2]);

    assertEquals(0, models("show", tuned), err.toString());
    String shown = out.toString();
    assertTrue(shown.contains("version        " + tuned + " (active)"), shown);
    assertTrue(shown.contains("parent         " + shipped), shown);
    assertTrue(shown.contains("training data  test"), shown);
    assertTrue(shown.contains("validation     accuracy=0.8750"), shown);
    assertTrue(shown.contains("notes          tuned"), shown);
    assertTrue(shown.matches("(?s).*sha256         [0-9a-f]{64}.*"), shown);
    assertTrue(shown.contains("model file     "), shown);

    assertEquals(0, models("rollback"), err.toString());
    assertEquals("rolled back to " + shipped + " (from " + tuned + ")", out.toString().strip());
    assertEquals(Optional.of(shipped), active());

    assertEquals(Main.USAGE, models("rollback"));
    assertTrue(
        oneLineOfErr().contains("nothing to roll back to")
            && oneLineOfErr().contains(shipped + " is the only version activated"),
        err.toString());
    assertEquals(Optional.of(shipped), active());
  }

  @Test
  void anUnknownVersionIsABadArgumentNamingTheKnownOnes() throws IOException {
    publish(RegistryFixtures.fineTuned(1), null);
    assertEquals(Main.USAGE, models("activate", "lenet5-fashion-000000000000"));
    String line = oneLineOfErr();
    assertTrue(line.startsWith("vigil models activate: unknown version"), line);
    assertTrue(line.contains("lenet5-fashion-000000000000") && line.contains("known: "), line);
    assertEquals(Main.USAGE, models("show", "nope"));
    assertTrue(
        oneLineOfErr().startsWith("vigil models show: unknown version 'nope'"), err.toString());
    assertEquals(Optional.empty(), active());
  }

  @Test
  void rollbackWithNothingEverActivatedIsABadArgument() {
    assertEquals(Main.USAGE, models("rollback"));
    assertTrue(oneLineOfErr().contains("no version was ever activated"), err.toString());
  }

  @Test
  void aVersionThatDoesNotFitTheSlotIsRefusedAndTheActiveOneStays() throws IOException {
    assertEquals(0, models("import", TestModels.SHIPPED.toString()), err.toString());
    assertEquals(0, models("activate", shipped), err.toString());
    Model wide =
        RegistryFixtures.tiny(
            "wide", new InputContract(1, 28, 56, 0.286f, 0.353f), FashionMnist.CLASS_NAMES);
    String misfit = publish(wide, null);

    assertEquals(Main.USAGE, models("activate", misfit));
    String line = oneLineOfErr();
    assertTrue(line.contains(misfit + " does not fit the slot served by " + shipped), line);
    assertTrue(line.contains("input width is 56, the slot's is 28"), line);
    assertEquals(Optional.of(shipped), active());
  }

  @Test
  void aVersionThatDoesNotRunFailsAndTheActiveOneStays() throws IOException {
    assertEquals(0, models("import", TestModels.SHIPPED.toString()), err.toString());
    assertEquals(0, models("activate", shipped), err.toString());
    String broken = publish(RegistryFixtures.poisoned(), shipped);

    assertEquals(Main.FAILED, models("activate", broken));
    assertTrue(oneLineOfErr().contains(broken + " does not run"), err.toString());
    assertEquals(Optional.of(shipped), active());
  }

  @Test
  void anActiveVersionThatCannotBeLoadedMakesActivationFailNotABadArgument() throws IOException {
    assertEquals(0, models("import", TestModels.SHIPPED.toString()), err.toString());
    assertEquals(0, models("activate", shipped), err.toString());
    String tuned = publish(RegistryFixtures.fineTuned(1), shipped);
    Path model = Path.of(registry, "versions", shipped, "model.vgl");
    Files.write(model, new byte[] {1, 2, 3});

    assertEquals(Main.FAILED, models("activate", tuned));
    String line = oneLineOfErr();
    assertTrue(line.contains("cannot load the active version " + shipped), line);
    assertTrue(line.contains("damaged"), line);
    assertEquals(Optional.of(shipped), active());
  }

  @Test
  void aRegistryThatCannotBeOpenedIsAFailure() throws IOException {
    Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
    registry = file.toString();
    assertEquals(Main.FAILED, models("list"));
    assertTrue(oneLineOfErr().contains("it is a file, not a folder"), err.toString());
    assertEquals(Main.FAILED, models("import", dir.resolve("missing.vgl").toString()));
  }

  @Test
  void theRegistryFolderComesFromTheConfigurationByDefault() throws IOException {
    publish(RegistryFixtures.fineTuned(1), null);
    Path config = dir.resolve("vigil.conf");
    Files.writeString(config, "vigil.registry.dir = \"" + registry + "\"\n");
    assertEquals(0, run("models", "list", "--config", config.toString()), err.toString());
    assertTrue(out.toString().contains("accuracy=0.8750"), out.toString());
  }

  @Test
  void aClassListTheOutputsAcceptLetsAVersionWithOtherClassesIn() throws IOException {
    assertEquals(0, models("import", TestModels.SHIPPED.toString()), err.toString());
    assertEquals(0, models("activate", shipped), err.toString());
    List<String> renamed =
        FashionMnist.CLASS_NAMES.stream()
            .map(name -> name.toLowerCase(java.util.Locale.ROOT))
            .toList();
    String other = publish(RegistryFixtures.tiny("lower", LeNet5.INPUT, renamed), null);
    assertEquals(Main.USAGE, models("activate", other), "refused without the configuration");
    Path config = dir.resolve("accept.conf");
    Files.writeString(
        config,
        "vigil.registry.accept-classes = [ ["
            + String.join(", ", renamed.stream().map(n -> "\"" + n + "\"").toList())
            + "] ]\n");
    assertEquals(0, models("activate", other, "--config", config.toString()), err.toString());
    assertEquals(Optional.of(other), active());
  }
}

package io.vigil.pipeline.cli;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.model.Model;
import io.vigil.pipeline.registry.ModelRegistry;
import io.vigil.pipeline.registry.VersionRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil models ...}: the versions in a model registry, and which one is active. A version
 * that is unknown, does not fit the active one's slot, or an empty rollback history is a bad
 * argument (exit 2, one line); a registry or model file that cannot be read or written, or a
 * version that does not run, a failure (exit 1).
 */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = {
      "The model registry: lists its versions, shows one, activates one or rolls back to the one"
          + " active before, imports a model file.",
      "Activation and rollback first check that the version fits the active one's slot (input"
          + " size, channels, normalisation, classes) and that it runs on one image."
    },
    subcommands = {
      ModelsCommand.ListVersions.class,
      ModelsCommand.Show.class,
      ModelsCommand.Activate.class,
      ModelsCommand.Rollback.class,
      ModelsCommand.Import.class
    })
final class ModelsCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Prints a bad argument as one line naming the command, and gives the usage status. */
  private static int refuse(CommandSpec spec, String reason) {
    spec.commandLine().getErr().println(spec.qualifiedName() + ": " + reason);
    return Main.USAGE;
  }

  /** {@code vigil models list}: one line per version, oldest first, {@code *} on the active one. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists the versions, oldest first: created, parent, validation; * is active.")
  static final class ListVersions implements Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin RegistryOptions registry;

    @Override
    public Integer call() throws Exception {
      ModelRegistry models = registry.open();
      PrintWriter out = spec.commandLine().getOut();
      for (String problem : models.problems()) {
        spec.commandLine().getErr().println(spec.qualifiedName() + ": skipped " + problem);
      }
      List<VersionRecord> versions = models.list();
      if (versions.isEmpty()) {
        out.println("no versions in " + models.dir());
        return 0;
      }
      String active = models.active().orElse("");
      int versionWidth = width(versions.stream().map(VersionRecord::version), "VERSION");
      int parentWidth = width(versions.stream().map(r -> orDash(r.parentVersion())), "PARENT");
      String row = "%s %-" + versionWidth + "s  %-20s  %-" + parentWidth + "s  %s%n";
      out.printf(row, " ", "VERSION", "CREATED", "PARENT", "VALIDATION");
      for (VersionRecord r : versions) {
        out.printf(
            row,
            r.version().equals(active) ? "*" : " ",
            r.version(),
            Instant.parse(r.createdAt()).truncatedTo(ChronoUnit.SECONDS),
            orDash(r.parentVersion()),
            figures(r.validation()));
      }
      return 0;
    }

    private static int width(Stream<String> values, String header) {
      return Math.max(header.length(), values.mapToInt(String::length).max().orElse(0));
    }
  }

  /** {@code vigil models show VERSION}: the whole record. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Prints one version's record.")
  static final class Show implements Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin RegistryOptions registry;

    @Parameters(paramLabel = "VERSION", description = "A version `vigil models list` shows.")
    String version;

    @Override
    public Integer call() throws Exception {
      ModelRegistry models = registry.open();
      VersionRecord r;
      try {
        r = models.require(version);
      } catch (IllegalArgumentException unknown) {
        return refuse(spec, unknown.getMessage());
      }
      boolean active = models.active().filter(version::equals).isPresent();
      PrintWriter out = spec.commandLine().getOut();
      out.println("version        " + r.version() + (active ? " (active)" : ""));
      out.println("name           " + r.name());
      out.println("created        " + r.createdAt());
      out.println("parent         " + orDash(r.parentVersion()));
      out.println("training data  " + orDash(r.trainingData()));
      out.println("validation     " + figures(r.validation()));
      out.println("notes          " + orDash(r.notes()));
      out.println("model file     " + r.modelFile());
      out.println("sha256         " + r.sha256());
      return 0;
    }
  }

  /** {@code vigil models activate VERSION}: check fit and run, then make it active. */
  @Command(
      name = "activate",
      mixinStandardHelpOptions = true,
      description = "Makes VERSION active, once it fits the active version's slot and runs.")
  static final class Activate implements Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin RegistryOptions registry;

    @Parameters(paramLabel = "VERSION", description = "A version `vigil models list` shows.")
    String version;

    @Override
    public Integer call() throws Exception {
      ModelRegistry models = registry.open();
      Optional<String> current = models.active();
      if (current.filter(version::equals).isPresent()) {
        spec.commandLine().getOut().println(version + " is already active");
        return 0;
      }
      try {
        Model candidate = models.load(version, CpuBackend.shared());
        if (current.isPresent()) {
          ModelRegistry.checkFits(
              candidate, serving(models, current.get()), registry.acceptedClassLists());
        }
        ModelRegistry.verifyRuns(candidate);
        models.setActive(version);
      } catch (IllegalArgumentException unknownOrMisfit) {
        return refuse(spec, unknownOrMisfit.getMessage());
      }
      spec.commandLine()
          .getOut()
          .println(
              "activated "
                  + version
                  + current.map(c -> " (was " + c + ")").orElse(" (none was active)"));
      return 0;
    }
  }

  /** {@code vigil models rollback}: back to the version active before the current one. */
  @Command(
      name = "rollback",
      mixinStandardHelpOptions = true,
      description =
          "Makes the version active before the current one active again (checked like activate);"
              + " a second rollback goes one further back.")
  static final class Rollback implements Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin RegistryOptions registry;

    @Override
    public Integer call() throws Exception {
      ModelRegistry models = registry.open();
      Optional<String> target = models.rollbackTarget();
      if (target.isEmpty()) {
        try {
          models.rollBack(); // fails, saying why there is nothing to roll back to
        } catch (IllegalStateException nothing) {
          return refuse(spec, nothing.getMessage());
        }
      }
      String current = models.active().orElseThrow();
      try {
        Model candidate = models.load(target.get(), CpuBackend.shared());
        ModelRegistry.checkFits(candidate, serving(models, current), registry.acceptedClassLists());
        ModelRegistry.verifyRuns(candidate);
      } catch (IllegalArgumentException unknownOrMisfit) {
        return refuse(
            spec, "cannot roll back to " + target.get() + ": " + unknownOrMisfit.getMessage());
      }
      models.rollBack();
      spec.commandLine()
          .getOut()
          .println("rolled back to " + target.get() + " (from " + current + ")");
      return 0;
    }
  }

  /** {@code vigil models import FILE}: publish a model file as a version. */
  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description =
          "Publishes a model file (.vgl, or .onnx: imported with what its metadata says) as a"
              + " version; its provenance becomes the version's record.")
  static final class Import implements Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin RegistryOptions registry;

    @Parameters(paramLabel = "FILE", description = "A model file (.vgl or .onnx).")
    Path file;

    @Override
    public Integer call() throws Exception {
      ModelRegistry models = registry.open();
      List<String> before = models.list().stream().map(VersionRecord::version).toList();
      VersionRecord r = models.importFile(file);
      spec.commandLine()
          .getOut()
          .println(
              before.contains(r.version())
                  ? r.version() + " is already in " + models.dir()
                  : "imported " + r.version() + " from " + file);
      return 0;
    }
  }

  /**
   * The active version's model, to check a candidate against; a failure to load it is a failure
   * (exit 1), not a bad argument, whatever it was.
   */
  private static Model serving(ModelRegistry models, String active) throws IOException {
    try {
      return models.load(active, CpuBackend.shared());
    } catch (IllegalArgumentException | IOException e) {
      throw new IOException(
          "cannot load the active version " + active + " to check against: " + e.getMessage(), e);
    }
  }

  private static String orDash(String text) {
    return text == null || text.isBlank() ? "-" : text;
  }

  /** Validation figures as {@code name=0.9119, ...}, in their order; "-" when none. */
  static String figures(Map<String, Double> validation) {
    if (validation.isEmpty()) {
      return "-";
    }
    return validation.entrySet().stream()
        .map(e -> e.getKey() + "=" + String.format(Locale.ROOT, "%.4f", e.getValue()))
        .collect(Collectors.joining(", "));
  }
}

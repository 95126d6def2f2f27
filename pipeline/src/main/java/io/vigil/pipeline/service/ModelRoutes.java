package io.vigil.pipeline.service;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.engine.model.ModelFileException;
import io.vigil.onnx.ImportOptions;
import io.vigil.onnx.OnnxFormatException;
import io.vigil.onnx.OnnxImport;
import io.vigil.pipeline.control.RegistryActor;
import io.vigil.pipeline.registry.ModelRegistry;
import io.vigil.pipeline.registry.SlotMismatchException;
import io.vigil.pipeline.registry.VersionMetadata;
import io.vigil.pipeline.registry.VersionRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/v1/models}: the registry's versions, the active one, upload of a model file (verified
 * before it is registered: it must load, run and fit the serving model's slot), activation and
 * rollback. Every change goes through the registry actor, the store's one writer.
 */
public final class ModelRoutes extends AllDirectives {

  /** What a vigil model file starts with. */
  private static final byte[] VIGIL_MAGIC = "VIGILMDL".getBytes(StandardCharsets.US_ASCII);

  private final ServiceContext context;

  public ModelRoutes(ServiceContext context) {
    this.context = context;
  }

  public Route route() {
    return pathPrefix(
        PathMatchers.segment("api").slash("v1").slash("models"),
        () ->
            concat(
                pathEndOrSingleSlash(() -> concat(get(this::list), post(this::upload))),
                path("rollback", () -> post(this::rollback)),
                path(
                    PathMatchers.segment().slash("activate"),
                    version -> post(() -> activate(version))),
                path(PathMatchers.segment(), version -> get(() -> show(version)))));
  }

  private Route list() {
    return onSuccess(
        context.ask(context.actors().registry(), RegistryActor.ListVersions::new),
        versions -> {
          List<Map<String, Object>> list = new ArrayList<>();
          for (VersionRecord r : versions.versions()) {
            list.add(describe(r, versions.active()));
          }
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("active", versions.active());
          body.put("versions", list);
          return Json.ok(body);
        });
  }

  private Route show(String version) {
    return onSuccess(
        context.ask(context.actors().registry(), RegistryActor.ListVersions::new),
        versions ->
            versions.versions().stream()
                .filter(r -> r.version().equals(version))
                .findFirst()
                .map(r -> Json.ok(describe(r, versions.active())))
                .orElseGet(() -> unknown(version)));
  }

  private Route activate(String version) {
    if (context.registry().find(version).isEmpty()) {
      return unknown(version);
    }
    return outcome(
        context.<RegistryActor.Command, RegistryActor.Outcome>ask(
            context.actors().registry(), r -> new RegistryActor.Activate(version, r)));
  }

  private Route rollback() {
    return outcome(
        context.<RegistryActor.Command, RegistryActor.Outcome>ask(
            context.actors().registry(), RegistryActor.Rollback::new));
  }

  private Route outcome(CompletionStage<RegistryActor.Outcome> outcome) {
    return onSuccess(
        outcome,
        o -> {
          if (!o.ok()) {
            return Json.error(StatusCodes.CONFLICT, o.message());
          }
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("active", o.version());
          body.put("message", o.message());
          if (o.swap() != null) {
            Map<String, Object> swap = new LinkedHashMap<>();
            swap.put("from", o.swap().fromVersion());
            swap.put("to", o.swap().toVersion());
            swap.put("loadMillis", o.swap().loadMillis());
            swap.put("toFirstResultMillis", o.swap().toFirstResultMillis());
            body.put("swap", swap);
          }
          return Json.ok(body);
        });
  }

  /**
   * The body is a model file (.vgl, or an ONNX file), streamed to a staging file up to the size
   * limit, then checked off the server's threads: it loads (every size and checksum), fits the
   * serving slot and runs. Only then is it published (not activated).
   */
  private Route upload() {
    return withSizeLimit(
        context.settings().maxModelBytes(),
        () ->
            extractMaterializer(
                mat ->
                    extractRequestEntity(
                        entity -> {
                          Path staged;
                          try {
                            staged =
                                Uploads.stagingFile(
                                    context.registry().dir(), "model-", ModelFile.EXTENSION);
                          } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                          }
                          CompletionStage<Model> checked =
                              Uploads.write(entity, staged, mat)
                                  .thenApplyAsync(this::checked, context.blocking())
                                  .whenComplete((m, e) -> Uploads.discard(staged));
                          return onSuccess(checked, this::publish);
                        })));
  }

  /** The uploaded model, loaded and checked; 400 naming what is wrong otherwise. */
  private Model checked(Path staged) {
    Model model;
    try {
      model = load(staged);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "the uploaded model file is not usable: "
              + e.getMessage().replace(staged.toString(), "upload"));
    }
    Model serving =
        context
            .ask(context.actors().registry(), RegistryActor.GetServing::new)
            .toCompletableFuture()
            .join()
            .model();
    try {
      ModelRegistry.checkFits(model, serving, context.acceptedClassLists());
      ModelRegistry.verifyRuns(model);
    } catch (SlotMismatchException | IllegalStateException e) {
      throw new IllegalArgumentException("the uploaded model cannot serve here: " + e.getMessage());
    }
    return model;
  }

  /**
   * A vigil model file (it starts with its magic, "VIGILMDL"), or else an ONNX file imported with
   * what its metadata says; the model is named "upload" when the file names none.
   */
  private static Model load(Path staged) throws IOException {
    byte[] magic = new byte[VIGIL_MAGIC.length];
    int read;
    try (InputStream in = Files.newInputStream(staged)) {
      read = in.readNBytes(magic, 0, magic.length);
    }
    if (read == magic.length && Arrays.equals(magic, VIGIL_MAGIC)) {
      return ModelFile.load(staged);
    }
    try {
      return OnnxImport.read(
          Files.readAllBytes(staged), "upload", ImportOptions.defaults(), CpuBackend.shared());
    } catch (OnnxFormatException e) {
      throw new ModelFileException(
          "neither a vigil model file (no \"VIGILMDL\" at the start) nor a usable ONNX file: "
              + e.getMessage(),
          e);
    }
  }

  private Route publish(Model model) {
    Optional<VersionRecord> before = context.registry().find(model.version());
    CompletableFuture<RegistryActor.Outcome> published =
        context
            .<RegistryActor.Command, RegistryActor.Outcome>ask(
                context.actors().registry(),
                r ->
                    new RegistryActor.Publish(
                        model, VersionMetadata.fromProvenance(model.provenance()), false, r))
            .toCompletableFuture();
    return onSuccess(
        published,
        o -> {
          if (!o.ok()) {
            return Json.error(StatusCodes.CONFLICT, o.message());
          }
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("version", o.version());
          body.put(
              "message", before.isPresent() ? o.version() + " was already published" : o.message());
          return Json.complete(before.isPresent() ? StatusCodes.OK : StatusCodes.CREATED, body);
        });
  }

  private static Route unknown(String version) {
    return Json.error(StatusCodes.NOT_FOUND, "no model version " + StreamRoutes.quoted(version));
  }

  private static Map<String, Object> describe(VersionRecord r, String active) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("version", r.version());
    v.put("name", r.name());
    v.put("active", r.version().equals(active));
    v.put("parent", r.parentVersion());
    v.put("createdAt", r.createdAt());
    v.put("trainingData", r.trainingData());
    v.put("validation", r.validation());
    v.put("notes", r.notes());
    v.put("sha256", r.sha256());
    return v;
  }
}

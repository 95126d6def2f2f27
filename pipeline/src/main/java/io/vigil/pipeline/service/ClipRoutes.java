package io.vigil.pipeline.service;

import io.vigil.engine.data.LabeledImages;
import io.vigil.pipeline.control.ClipInbox;
import io.vigil.pipeline.video.ClipQuarantine;
import io.vigil.pipeline.video.ClipRejectedException;
import io.vigil.pipeline.video.LabelSidecar;
import io.vigil.pipeline.video.LabeledClips;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.apache.pekko.http.javadsl.model.Multipart;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * {@code /api/v1/clips}: the clips of the retraining inbox with their status (waiting, training,
 * used, rejected with why), and upload of a labeled clip: a multipart form with the parts {@code
 * video} (the clip) and {@code labels} (its CSV sidecar, {@value LabelSidecar#HEADER}). An upload
 * is streamed to a staging folder under a name the server chooses, probed with the trainer's own
 * reader (it must decode and its labels must fit the model), and only then moved into the inbox,
 * sidecar first, so the inbox never sees a clip without its labels.
 */
public final class ClipRoutes extends AllDirectives {

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final ServiceContext context;

  public ClipRoutes(ServiceContext context) {
    this.context = context;
  }

  public Route route() {
    return pathPrefix(
        PathMatchers.segment("api").slash("v1").slash("clips"),
        () ->
            concat(
                pathEndOrSingleSlash(() -> concat(get(this::list), post(this::upload))),
                path(PathMatchers.segment(), name -> get(() -> show(name)))));
  }

  private Route list() {
    if (context.inbox() == null) {
      return Json.ok(Map.of("retraining", false, "clips", List.of()));
    }
    return onSuccess(
        context.ask(context.actors().inbox(), ClipInbox.GetStatus::new),
        status -> Json.ok(Map.of("retraining", true, "clips", clips(status))));
  }

  private Route show(String name) {
    if (context.inbox() == null) {
      return retrainingOff();
    }
    return onSuccess(
        context.ask(context.actors().inbox(), ClipInbox.GetStatus::new),
        status ->
            clips(status).stream()
                .filter(c -> c.get("name").equals(name))
                .findFirst()
                .map(Json::ok)
                .orElseGet(
                    () ->
                        Json.error(StatusCodes.NOT_FOUND, "no clip " + StreamRoutes.quoted(name))));
  }

  /** Every clip the inbox knows of, waiting and training first, then used and rejected ones. */
  private List<Map<String, Object>> clips(ClipInbox.Status status) {
    List<Map<String, Object>> clips = new ArrayList<>();
    status.waiting().forEach(p -> clips.add(clip(p, "waiting", null)));
    status.inTraining().forEach(p -> clips.add(clip(p, "training", null)));
    for (Path p : videos(context.inbox().resolve("used"))) {
      clips.add(clip(p, "used", null));
    }
    for (Path p : videos(context.inbox().resolve("rejected"))) {
      clips.add(clip(p, "rejected", reason(p)));
    }
    return clips;
  }

  private static Map<String, Object> clip(Path p, String status, String reason) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", p.getFileName().toString());
    c.put("status", status);
    if (reason != null) {
      c.put("reason", reason);
    }
    return c;
  }

  private static List<Path> videos(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> isVideo(p.getFileName().toString())).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static String reason(Path rejected) {
    try {
      return Files.readString(ClipQuarantine.noteFor(rejected)).strip();
    } catch (IOException e) {
      return "rejected (no note)";
    }
  }

  private Route upload() {
    if (context.inbox() == null) {
      return retrainingOff();
    }
    return withSizeLimit(
        context.settings().maxClipBytes(),
        () ->
            extractMaterializer(
                mat ->
                    entity(
                        Unmarshaller.entityToMultipartFormData(),
                        form -> onSuccess(received(form, mat), this::accepted))));
  }

  /**
   * Streams the form's {@code video} and {@code labels} parts into staging files named by the
   * server, then probes the clip off the server's threads.
   */
  private CompletionStage<Staged> received(Multipart.FormData form, Materializer mat) {
    String name = "upload-" + STAMP.format(Instant.now()) + "-" + randomSuffix();
    Map<String, Path> files = new HashMap<>();
    Path staging;
    try {
      staging = Uploads.stagingDir(context.inbox());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CompletionStage<Staged> staged =
        form.getParts()
            .mapAsync(
                1,
                part -> {
                  String field = part.getName();
                  if (!field.equals("video") && !field.equals("labels")) {
                    part.getEntity().discardBytes(mat);
                    return CompletableFuture.failedFuture(
                        new IllegalArgumentException(
                            "unknown form field "
                                + StreamRoutes.quoted(field)
                                + ": send 'video' and 'labels'"));
                  }
                  if (files.containsKey(field)) {
                    part.getEntity().discardBytes(mat);
                    return CompletableFuture.failedFuture(
                        new IllegalArgumentException("the form has '" + field + "' twice"));
                  }
                  Path video = staging.resolve(name + "." + extension(part.getFilename()));
                  // The sidecar's name follows the video's, whose extension is known only once the
                  // video part came: stage the labels under a fixed name, renamed when probed.
                  Path file =
                      field.equals("video") ? video : staging.resolve(name + ".labels.part");
                  files.put(field, file);
                  return Uploads.write(part.getEntity(), file, mat);
                })
            .runWith(Sink.ignore(), mat)
            .thenApplyAsync(done -> probe(files), context.blocking());
    return staged.whenComplete(
        (ok, failure) -> {
          if (failure != null) {
            files.values().forEach(Uploads::discard);
          }
        });
  }

  /** What a probed upload left in staging: the clip, its sidecar and its frame count. */
  private record Staged(Path video, Path sidecar, int frames) {}

  private Staged probe(Map<String, Path> files) {
    Path video = files.get("video");
    Path labels = files.get("labels");
    if (video == null || labels == null) {
      throw new IllegalArgumentException(
          "a labeled clip needs the form fields 'video' and 'labels' (missing: "
              + (video == null ? "video" : "labels")
              + ")");
    }
    Path sidecar = LabelSidecar.pathFor(video);
    try {
      Files.move(labels, sidecar, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    files.put("labels", sidecar);
    LabeledImages images;
    try {
      images = LabeledClips.read(video, context.input(), context.classNames());
    } catch (ClipRejectedException e) {
      String why =
          e.getMessage().replace(sidecar.toString(), "labels").replace(video.toString(), "video");
      throw new IllegalArgumentException("the clip cannot be used for training: " + why);
    }
    return new Staged(video, sidecar, images.count());
  }

  /** Moves a probed clip into the inbox (sidecar first) and answers 201. */
  private Route accepted(Staged staged) {
    Path inbox = context.inbox();
    Path video = inbox.resolve(staged.video().getFileName());
    try {
      Files.move(staged.sidecar(), LabelSidecar.pathFor(video), StandardCopyOption.ATOMIC_MOVE);
      Files.move(staged.video(), video, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      Uploads.discard(staged.sidecar());
      Uploads.discard(staged.video());
      throw new UncheckedIOException("cannot move the clip into the inbox: " + e.getMessage(), e);
    }
    context.actors().inbox().tell(new ClipInbox.Submit(video));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("clip", video.getFileName().toString());
    body.put("frames", staged.frames());
    body.put("status", "waiting");
    return Json.complete(StatusCodes.CREATED, body);
  }

  /** The client's extension when the inbox takes it (FFmpeg reads the content either way). */
  private static String extension(java.util.Optional<String> filename) {
    String name = filename.orElse("");
    int dot = name.lastIndexOf('.');
    String ext = dot >= 0 ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    return ClipInbox.VIDEO_EXTENSIONS.contains(ext) ? ext : "mp4";
  }

  private static boolean isVideo(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0
        && ClipInbox.VIDEO_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  private static String randomSuffix() {
    return Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 41), 36);
  }

  private static Route retrainingOff() {
    return Json.error(
        StatusCodes.CONFLICT,
        "retraining is off (vigil.retrain.enabled = false): no clip inbox to upload to");
  }
}

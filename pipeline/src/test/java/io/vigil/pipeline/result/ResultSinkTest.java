package io.vigil.pipeline.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each {@link WritePolicy} leaves on disk while a stream runs, when it ends and when it fails.
 */
class ResultSinkTest {

  private static final List<String> CLASSES = List.of("calm", "busy");
  private static final StreamEnding ENDING =
      new StreamEnding("cam.mp4", null, 0, 0, 0, null, "idle-model");

  @TempDir Path dir;

  private ResultSink sink(WritePolicy policy, int[] truth) {
    return new ResultSink(
        policy,
        CLASSES,
        1,
        ResultSink.Clock.FIRST_RESULT,
        s -> new StreamOutput(results(s), summary(s), truth));
  }

  private Path results(String stream) {
    return dir.resolve(stream + ".jsonl");
  }

  private Path summary(String stream) {
    return dir.resolve(stream + ".summary.json");
  }

  private static List<FrameResult> frames(String stream, int from, int count, int classIndex) {
    List<FrameResult> out = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      out.add(
          new FrameResult(
              stream,
              i,
              i * 40_000L,
              "v1",
              List.of(new LabelScore(classIndex, CLASSES.get(classIndex), 0.9f)),
              5));
    }
    return out;
  }

  private static long lines(Path file) throws IOException {
    try (Stream<String> s = Files.lines(file)) {
      return s.count();
    }
  }

  private Set<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).collect(TreeSet::new, Set::add, Set::addAll);
    }
  }

  @Test
  void liveResultsAreReadableAsTheyComeAndTheSummaryOnlyAtTheEnd() throws IOException {
    ResultSink sink = sink(WritePolicy.LIVE, null);
    sink.write(frames("cam", 0, 3, 0));
    assertEquals(3, lines(results("cam")), "flushed after the batch");
    assertFalse(Files.exists(summary("cam")));
    sink.write(frames("cam", 3, 2, 1));
    assertEquals(5, lines(results("cam")));
    assertEquals(List.of("cam"), sink.openStreams());

    StreamSummary s = sink.end("cam", ENDING);

    assertEquals(5, s.frames());
    assertEquals("v1", s.model());
    assertEquals(3, s.perClass()[0]);
    assertEquals(2, s.perClass()[1]);
    assertTrue(Files.exists(summary("cam")));
    assertEquals(5, lines(results("cam")));
    assertEquals(List.of(), sink.openStreams());
  }

  @Test
  void liveStreamOpenedAgainAppendsButANewSinkStartsAfresh() throws IOException {
    ResultSink sink = sink(WritePolicy.LIVE, null);
    sink.write(frames("cam", 0, 2, 0));
    sink.end("cam", ENDING);
    sink.write(frames("cam", 0, 1, 0));
    sink.end("cam", ENDING);
    assertEquals(3, lines(results("cam")));

    ResultSink next = sink(WritePolicy.LIVE, null);
    next.write(frames("cam", 0, 1, 0));
    assertEquals(1, lines(results("cam")));
  }

  @Test
  void liveStreamWithoutResultsLeavesNothing() throws IOException {
    assertNull(sink(WritePolicy.LIVE, null).end("cam", ENDING));
    assertEquals(Set.of(), names());
  }

  @Test
  void liveFailureKeepsTheLinesAndWritesNoSummary() throws IOException {
    ResultSink sink = sink(WritePolicy.LIVE, null);
    sink.write(frames("cam", 0, 4, 0));
    sink.fail("cam");
    assertEquals(4, lines(results("cam")));
    assertEquals(Set.of("cam.jsonl"), names());
  }

  @Test
  void atomicResultsAppearWholeWhenTheStreamEndsThenTheSummary() throws IOException {
    ResultSink sink = sink(WritePolicy.ATOMIC, null);
    sink.write(frames("clip", 0, 3, 1));
    assertFalse(Files.exists(results("clip")), "nothing under the final name yet");
    assertFalse(Files.exists(summary("clip")));
    assertEquals(1, names().size(), "one temporary file beside it: " + names());

    StreamSummary s = sink.end("clip", ENDING);

    assertEquals(3, s.frames());
    assertEquals(3, lines(results("clip")));
    assertEquals(Set.of("clip.jsonl", "clip.summary.json"), names(), "no temporary file left");
  }

  @Test
  void atomicStreamWithoutResultsGetsAnEmptyFileAndASummary() throws IOException {
    StreamSummary s = sink(WritePolicy.ATOMIC, null).end("clip", ENDING);
    assertEquals(0, s.frames());
    assertEquals("idle-model", s.model());
    assertEquals(0, lines(results("clip")));
    assertEquals(Set.of("clip.jsonl", "clip.summary.json"), names());
  }

  @Test
  void atomicFailureLeavesNothingPartialUnderTheFinalName() throws IOException {
    Files.writeString(results("clip"), "earlier\n");
    ResultSink sink = sink(WritePolicy.ATOMIC, null);
    sink.write(frames("clip", 0, 3, 0));
    sink.write(frames("other", 0, 1, 0));

    sink.fail("clip");

    assertEquals("earlier\n", Files.readString(results("clip")), "the final name as it was");
    assertEquals(List.of("other"), sink.openStreams());
    sink.fail("other");
    assertEquals(Set.of("clip.jsonl"), names(), "no temporary file and no summary left");
  }

  @Test
  void knownTruthGivesTheSummaryItsAccuracy() throws IOException {
    ResultSink sink = sink(WritePolicy.ATOMIC, new int[] {0, 0, 1, 1});
    sink.write(frames("clip", 0, 3, 0));
    StreamSummary s = sink.end("clip", ENDING);
    assertNotNull(s.labels());
    assertEquals(3, s.labels().labeledFrames());
    assertEquals(2, s.labels().correct());
  }
}

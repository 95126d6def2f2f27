package io.vigil.pipeline.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The progress an offline run reports. */
class RunProgressTest {

  @Test
  void theLastReportShowsEveryFrameOfTheFinishedFiles() {
    List<Long> reported = new ArrayList<>();
    BatchListener listener =
        new BatchListener() {
          @Override
          public void onProgress(int done, int total, long frames, double fps, double eta) {
            reported.add(frames);
          }
        };
    Path video = Path.of("clip.mp4");
    RunProgress progress =
        new RunProgress(
            listener, 1, 0, 0, 0, Map.of("clip", video), Duration.ofNanos(Long.MAX_VALUE));
    progress.frames(96);
    // The file's end is heard before the count of its last batch.
    progress.onFile(new FileOutcome(video, "clip", FileOutcome.Status.DONE, 100, null));
    assertEquals(List.of(100L), reported);
  }
}

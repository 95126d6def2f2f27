package io.vigil.pipeline.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.pipeline.result.DecodeReport;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FFmpeg's warnings are counted for the decoder they belong to, also when several files decode at
 * once and FFmpeg logs from its own worker threads.
 */
class FfmpegWarningsTest {

  @TempDir Path tmp;

  private Path damagedMegamind(String name) throws Exception {
    // The same damage as VideoDecoderTest's: FFmpeg conceals it and warns ("corrupt decoded
    // frame" and the blocks it could not decode).
    return SampleVideos.damagedCopy(
        SampleVideos.file("Megamind.avi"), tmp.resolve(name), 600_000, 50_000);
  }

  private static DecodeReport decodeAll(Path file) throws VideoInputException {
    try (VideoDecoder decoder = VideoDecoder.open(file)) {
      while (decoder.next() != null) {
        // only the report matters here
      }
      return decoder.report();
    }
  }

  private static List<DecodeReport> decodeAtOnce(Path... files) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(files.length);
    try {
      List<Callable<DecodeReport>> jobs =
          java.util.Arrays.stream(files)
              .<Callable<DecodeReport>>map(f -> () -> decodeAll(f))
              .toList();
      List<DecodeReport> reports = new java.util.ArrayList<>();
      for (Future<DecodeReport> f : pool.invokeAll(jobs)) {
        reports.add(f.get());
      }
      return reports;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aDamagedFileCountsWarningsAndACleanFileBesideItNone() throws Exception {
    List<DecodeReport> reports =
        decodeAtOnce(damagedMegamind("damaged.avi"), SampleVideos.file("vtest.avi"));
    DecodeReport damaged = reports.get(0);
    DecodeReport clean = reports.get(1);
    assertTrue(damaged.ffmpegWarnings() > 0, damaged.summary());
    assertTrue(damaged.summary().contains(damaged.ffmpegWarnings() + " FFmpeg warning"));
    assertEquals(0, clean.ffmpegWarnings(), clean.summary());
  }

  @Test
  void twoDamagedFilesAtOnceEachCountWhatItCountsAlone() throws Exception {
    long alone = decodeAll(damagedMegamind("alone.avi")).ffmpegWarnings();
    List<DecodeReport> reports =
        decodeAtOnce(damagedMegamind("first.avi"), damagedMegamind("second.avi"));
    assertTrue(alone > 0);
    assertEquals(alone, reports.get(0).ffmpegWarnings(), reports.get(0).summary());
    assertEquals(alone, reports.get(1).ffmpegWarnings(), reports.get(1).summary());
  }
}

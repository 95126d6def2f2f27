package io.vigil.pipeline.realtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;

/**
 * The {@code ffmpeg} program that ships inside JavaCV's FFmpeg natives, run as a process of its
 * own: a camera, server or sender for loopback tests, which a test can kill and start again. Its
 * output goes to a log file, shown when a test fails.
 */
final class FfmpegProcess implements AutoCloseable {

  /**
   * A live test pattern, encoded as a camera would send it: 64×64 at 25 frames/s, in real time
   * ({@code -re}), MPEG-1 video with a key frame every 5 frames (so a receiver that joins late
   * starts within 0.2 s). The container and the output follow.
   */
  static final List<String> TEST_PATTERN =
      List.of(
          "-re",
          "-f",
          "lavfi",
          "-i",
          "testsrc=size=64x64:rate=25",
          "-c:v",
          "mpeg1video",
          "-g",
          "5");

  private final List<String> command = new ArrayList<>();
  private final Path log;
  private Process process;
  private int starts;

  /**
   * An ffmpeg run with {@code args} (after {@code -hide_banner -nostdin}), logging to {@code log}.
   */
  FfmpegProcess(Path log, List<String> args) {
    this.log = log;
    command.add(Loader.load(org.bytedeco.ffmpeg.ffmpeg.class));
    command.add("-hide_banner");
    command.add("-nostdin");
    command.add("-loglevel");
    command.add("warning");
    command.addAll(args);
  }

  /** Starts the process (again, after {@link #kill()}). */
  synchronized void start() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("ffmpeg is already running");
    }
    starts++;
    Files.writeString(
        log,
        "--- start " + starts + ": " + String.join(" ", command) + "\n",
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
  }

  /** Kills the process at once (a camera unplugged) and waits until it is gone. */
  synchronized void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("ffmpeg did not stop within 10 s");
      }
    }
  }

  /** Whether the process is running now (a pusher exits when nobody takes its stream). */
  synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** What the process printed, for failure messages. */
  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}

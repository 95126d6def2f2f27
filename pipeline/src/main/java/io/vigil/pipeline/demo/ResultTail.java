package io.vigil.pipeline.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows one stream's growing results file ({@code ID.jsonl}, flushed after every batch) and
 * returns the lines completed since the last call: a reader of a live run's output, as a user's own
 * tool would be.
 */
final class ResultTail {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One result line, the fields the demo reads. */
  record Line(
      String stream,
      long frame,
      String model,
      String label,
      double latencyMillis,
      long capturedMillis) {}

  private final Path file;
  private long offset;

  ResultTail(Path file) {
    this.file = file;
  }

  /** The lines completed since the last call (none while the file does not exist yet). */
  List<Line> poll() throws IOException {
    List<Line> lines = new ArrayList<>();
    if (!Files.exists(file)) {
      return lines;
    }
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      if (length <= offset) {
        return lines;
      }
      byte[] bytes = new byte[(int) (length - offset)];
      in.seek(offset);
      in.readFully(bytes);
      int start = 0;
      for (int i = 0; i < bytes.length; i++) {
        if (bytes[i] == '\n') {
          String text = new String(bytes, start, i - start, StandardCharsets.UTF_8);
          lines.add(parse(text));
          start = i + 1;
        }
      }
      // A line still being written stays for the next call.
      offset += start;
    }
    return lines;
  }

  private static Line parse(String text) throws IOException {
    JsonNode n = JSON.readTree(text);
    return new Line(
        n.get("stream").asText(),
        n.get("frame").asLong(),
        n.get("model").asText(),
        n.get("top").get(0).get("label").asText(),
        n.get("latency_ms").asDouble(),
        n.path("captured_ms").asLong(0));
  }
}

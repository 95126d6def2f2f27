package io.vigil.pipeline.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelSidecarTest {

  @TempDir Path tmp;

  @Test
  void writesAndReadsBack() throws IOException {
    Path sidecar = LabelSidecar.pathFor(tmp.resolve("clip.mp4"));
    assertEquals("clip.mp4.labels.csv", sidecar.getFileName().toString());
    LabelSidecar.write(sidecar, new int[] {2, 2, 0}, List.of("a", "b", "T-shirt/top"));
    assertEquals(
        "frame,label,class_name\n0,2,T-shirt/top\n1,2,T-shirt/top\n2,0,a\n",
        Files.readString(sidecar));
    assertArrayEquals(new int[] {2, 2, 0}, LabelSidecar.read(sidecar));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "\"\"| line 1: empty file",
        "frame,label\\n| line 1: expected the header 'frame,label,class_name', got 'frame,label'",
        "frame,label,class_name\\n0,1,a\\n1,1\\n| line 3: expected 3 fields",
        "frame,label,class_name\\n0,x,a\\n| line 2: label is not an integer: 'x'",
        "frame,label,class_name\\n0,-1,a\\n| line 2: label must not be negative, got -1",
        "frame,label,class_name\\n0,1,a\\n2,1,a\\n| line 3: expected frame 1 (in order from 0), got 2",
        "frame,label,class_name\\n0,1,a\\n1,1,b\\n| line 3: label 1 is named 'b' here but 'a' before",
        "frame,label,class_name\\n0,1,\\n| line 2: empty class_name"
      })
  void malformedContentIsRejectedNamingFileAndLine(String content, String expected)
      throws IOException {
    Path sidecar = Files.writeString(tmp.resolve("bad.labels.csv"), content.replace("\\n", "\n"));
    IOException e = assertThrows(IOException.class, () -> LabelSidecar.read(sidecar));
    String prefix = sidecar + " " + expected;
    assertTrue(e.getMessage().startsWith(prefix), e.getMessage() + " should start with " + prefix);
  }
}

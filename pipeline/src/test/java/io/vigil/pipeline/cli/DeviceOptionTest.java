package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.pipeline.analyze.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `vigil devices` and `--device`: the OpenCL backend, found at run time, gives the CPU's answers
 * (CI runs OpenCL on the CPU through PoCL).
 */
class DeviceOptionTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path tmp;

  private int run(String... args) {
    return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  @Test
  void devicesListsTheCpuAndOpenClDevices() {
    assertEquals(0, run("devices"), err.toString());
    assertTrue(out.toString().contains("cpu:"), out.toString());
    assertTrue(out.toString().contains("opencl:0"), out.toString());
  }

  @Test
  void analyzeOnOpenClAgreesWithTheCpu() throws Exception {
    String video = "/usr/share/doc/opencv-doc/examples/data/tree.avi";
    Path onCpu = tmp.resolve("cpu.jsonl");
    Path onOpenCl = tmp.resolve("opencl.jsonl");
    String model = TestModels.SHIPPED.toString();
    assertEquals(0, run("analyze", video, "--model", model, "--out", onCpu.toString()));
    assertEquals(
        0,
        run("analyze", video, "--model", model, "--out", onOpenCl.toString(), "--device", "opencl"),
        err.toString());
    ObjectMapper json = new ObjectMapper();
    List<String> cpuLines = Files.readAllLines(onCpu);
    List<String> clLines = Files.readAllLines(onOpenCl);
    assertEquals(68, clLines.size());
    for (int i = 0; i < cpuLines.size(); i++) {
      JsonNode a = json.readTree(cpuLines.get(i)).get("top").get(0);
      JsonNode b = json.readTree(clLines.get(i)).get("top").get(0);
      assertEquals(a.get("label").asText(), b.get("label").asText(), "frame " + i);
      assertEquals(a.get("score").asDouble(), b.get("score").asDouble(), 1e-3, "frame " + i);
    }
  }

  @Test
  void unknownDeviceIsABadArgumentNamingTheKnownOnes() {
    assertEquals(
        Main.USAGE,
        run(
            "analyze",
            "/usr/share/doc/opencv-doc/examples/data/tree.avi",
            "--model",
            TestModels.SHIPPED.toString(),
            "--out",
            tmp.resolve("r.jsonl").toString(),
            "--device",
            "cuda"));
    assertTrue(
        err.toString().contains("cuda") && err.toString().contains("opencl"), err.toString());
  }

  @Test
  void tuneTimesTheCandidatesAndNamesTheBest() {
    assertEquals(
        0, run("tune", "--device", "opencl:0", "--seconds-per-trial", "0.01"), err.toString());
    assertTrue(out.toString().contains("gemm_vec"), out.toString());
    assertTrue(out.toString().contains("best: "), out.toString());
  }

  @Test
  void tuneOfTheCpuSaysWhatCanBeTuned() {
    assertEquals(Main.USAGE, run("tune", "--device", "cpu"));
    assertTrue(err.toString().contains("opencl"), err.toString());
  }

  @Test
  void aDeviceNumberThatIsNotThereIsABadArgumentInEveryCommand() {
    String video = "/usr/share/doc/opencv-doc/examples/data/tree.avi";
    String model = TestModels.SHIPPED.toString();
    String[][] commands = {
      {"analyze", video, "--model", model, "--out", tmp.resolve("r.jsonl").toString()},
      {"train", "--out", tmp.resolve("m.vgl").toString()},
      {"run", "--out", tmp.resolve("run").toString()},
      {"tune"}
    };
    for (String[] command : commands) {
      for (String device : new String[] {"opencl:99", "opencl:7"}) {
        err.getBuffer().setLength(0);
        String[] args = java.util.Arrays.copyOf(command, command.length + 2);
        args[command.length] = "--device";
        args[command.length + 1] = device;
        assertEquals(Main.USAGE, run(args), String.join(" ", args) + "\n" + err);
        String[] lines = err.toString().strip().split("\n");
        assertEquals(2, lines.length, err.toString());
        assertTrue(lines[0].contains("--device " + device + ": no OpenCL device #"), lines[0]);
      }
    }
    assertTrue(
        !Files.exists(tmp.resolve("r.jsonl")) && !Files.exists(tmp.resolve("m.vgl")),
        "nothing written");
  }
}

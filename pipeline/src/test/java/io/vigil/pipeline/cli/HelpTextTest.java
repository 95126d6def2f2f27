package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.pipeline.analyze.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The help a new user reads: whole sentences, no placeholders, defaults shown, progress told. */
class HelpTextTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path tmp;

  private CommandLine cli() {
    return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private int run(String... args) {
    return cli().execute(args);
  }

  /** Every command of the tree, the root included. */
  private List<CommandLine> commands() {
    List<CommandLine> all = new ArrayList<>();
    List<CommandLine> todo = new ArrayList<>(List.of(cli()));
    while (!todo.isEmpty()) {
      CommandLine c = todo.remove(todo.size() - 1);
      all.add(c);
      todo.addAll(c.getSubcommands().values());
    }
    return all;
  }

  @Test
  void everyCommandsSummaryAndDescriptionAreWholeSentences() {
    List<String> broken = new ArrayList<>();
    for (CommandLine c : commands()) {
      if (c.getCommandSpec().userObject() instanceof CommandLine.HelpCommand) {
        continue; // picocli's own, listed by its header
      }
      String[] description = c.getCommandSpec().usageMessage().description();
      if (description.length == 0) {
        broken.add(c.getCommandSpec().qualifiedName() + ": no description");
      }
      // picocli wraps the text itself: a line that does not end a sentence was broken by hand,
      // and the first one is the summary `vigil --help` lists.
      for (String line : description) {
        if (!line.strip().endsWith(".")) {
          broken.add(c.getCommandSpec().qualifiedName() + ": \"" + line + "\"");
        }
      }
    }
    assertEquals(List.of(), broken);
  }

  @Test
  void noHelpShowsAPlaceholder() {
    Pattern placeholder = Pattern.compile("<[A-Za-z]+>");
    List<String> found = new ArrayList<>();
    for (CommandLine c : commands()) {
      Matcher m = placeholder.matcher(c.getUsageMessage());
      while (m.find()) {
        found.add(c.getCommandSpec().qualifiedName() + ": " + m.group());
      }
    }
    assertEquals(List.of(), found);
  }

  @Test
  void everyOptionWithADefaultShowsIt() {
    List<String> silent = new ArrayList<>();
    for (CommandLine c : commands()) {
      for (OptionSpec o : c.getCommandSpec().options()) {
        boolean flag = o.type() == boolean.class || o.type() == Boolean.class;
        if (flag || o.usageHelp() || o.versionHelp() || o.initialValue() == null) {
          continue;
        }
        String text = String.join(" ", o.description()).toLowerCase(Locale.ROOT);
        if (!text.contains("default")) {
          silent.add(c.getCommandSpec().qualifiedName() + " " + o.longestName());
        }
      }
    }
    assertEquals(List.of(), silent);
  }

  /**
   * Whether the help printed names {@code file} as the one to copy, wherever picocli wrapped it.
   */
  private boolean namesExample(String file) {
    String[] parts = file.split("\\.");
    return Pattern.compile(
            "copy and edit\\s+" + Pattern.quote(parts[0]) + "\\.\\s*" + Pattern.quote(parts[1]))
        .matcher(out.toString())
        .find();
  }

  @Test
  void eachCommandsConfigOptionNamesTheFileToCopy() {
    assertEquals(0, run("run", "--help"));
    assertTrue(namesExample("config/camera.conf"), out.toString());
    assertFalse(out.toString().contains("config/analyze."), out.toString());
    out.getBuffer().setLength(0);
    assertEquals(0, run("analyze", "--help"));
    assertTrue(namesExample("config/analyze.conf"), out.toString());
  }

  @Test
  void analyzingOneFileShowsFramesOfTheClaimedTotalAndAnEta() throws Exception {
    assertEquals(
        "analyze c.mp4: 50 of 200 frames (25%), 25 frames/s, ETA 6s",
        AnalysisRunner.progressLine("c.mp4", 50, 200, 25));
    assertEquals(
        "analyze c.avi: 90 frames, 30 frames/s", AnalysisRunner.progressLine("c.avi", 90, 0, 30));

    Path clip = tmp.resolve("c.mp4");
    assertEquals(
        0, run("make-clip", "--out", clip.toString(), "--items", "20", "--frames-per-item", "2"));
    Path conf = Files.writeString(tmp.resolve("a.conf"), "vigil.analyze.progress-interval = 0s\n");
    err.getBuffer().setLength(0);
    assertEquals(
        0,
        run(
            "analyze",
            clip.toString(),
            "--model",
            TestModels.SHIPPED.toString(),
            "--out",
            tmp.resolve("r.jsonl").toString(),
            "--config",
            conf.toString()),
        err.toString());
    assertTrue(
        Pattern.compile("analyze c\\.mp4: \\d+ of 40 frames \\(\\d+%\\), \\d+ frames/s, ETA ")
            .matcher(err.toString())
            .find(),
        err.toString());
  }
}

package io.vigil.pipeline.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.vigil.engine.backend.Backend;
import io.vigil.pipeline.config.ConfigKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/** Options shared by the commands that run the stream: the configuration file. */
final class RuntimeOptions {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "HOCON file with settings; defaults apply otherwise.")
  Path configFile;

  /** The shipped example each command's settings are copied from, by command name. */
  private static final Map<String, String> EXAMPLES =
      Map.of(
          "analyze", "config/analyze.conf",
          "run", "config/camera.conf",
          "serve", "config/serve.conf",
          "retrain", "config/retrain.conf");

  /**
   * Names, in each command's {@code --config} help, the shipped file to copy (the option is shared,
   * the example is not).
   */
  static void nameExamples(CommandLine root) {
    EXAMPLES.forEach(
        (command, example) -> {
          CommandSpec spec = root.getSubcommands().get(command).getCommandSpec();
          OptionSpec option = spec.findOption("--config");
          spec.remove(option);
          spec.addOption(
              option.toBuilder()
                  .description(
                      "HOCON file with settings (copy and edit "
                          + example
                          + "); defaults apply otherwise.")
                  .build());
        });
  }

  @Mixin DeviceOption device = new DeviceOption();

  /** The backend {@code --device} names; fails with the known names when it is unknown. */
  Backend backend() {
    return device.backend();
  }

  /** Prints the device {@link #backend} chose, in one line; called when the work starts. */
  void announce(java.io.PrintWriter err) {
    device.announce(err);
  }

  /**
   * The configuration: the user's file (if any) over vigil's defaults. A key under {@code vigil}
   * that {@code reference.conf} does not define is an error naming the file, the line and the
   * nearest known key ({@link ConfigKeys}).
   */
  Config config() {
    Config defaults = ConfigFactory.load();
    if (configFile == null) {
      return defaults;
    }
    if (!Files.isRegularFile(configFile)) {
      throw new IllegalArgumentException("configuration file " + configFile + " does not exist");
    }
    Config user =
        ConfigFactory.parseFile(
            configFile.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    // A misspelt key would otherwise leave its setting at the default without a word.
    ConfigKeys.check(user, "vigil");
    return user.withFallback(defaults).resolve();
  }

  static ActorSystem<Void> actorSystem(Config config) {
    return ActorSystem.create(Behaviors.empty(), "vigil", config);
  }

  /** The repository root, where the launcher lives (set by it), or the working directory. */
  static Path home() {
    return Path.of(System.getProperty("vigil.home", "."));
  }
}

package io.vigil.pipeline.cli;

import java.io.PrintWriter;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code vigil} command line. Each subcommand is a class of its own; this one only wires them
 * and decides how failures look: a bad argument (one picocli refuses, or a {@link
 * BadArgumentException}: a value out of range) prints one line and the usage hint and exits 2, a
 * failure while running prints one line naming what went wrong and exits 1.
 */
@Command(
    name = "vigil",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Watches video with convolutional networks.",
    subcommands = {
      DemoCommand.class,
      AnalyzeCommand.class,
      RunCommand.class,
      ServeCommand.class,
      TrainCommand.class,
      RetrainCommand.class,
      MakeClipCommand.class,
      ModelCommand.class,
      ModelsCommand.class,
      EvalCommand.class,
      ImportCommand.class,
      ExportCommand.class,
      DevicesCommand.class,
      TuneCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  /** Exit status of a run that failed (bad input, unreadable file, ...). */
  static final int FAILED = 1;

  /** Exit status of a command line that could not be understood. */
  static final int USAGE = 2;

  public static void main(String[] args) {
    // Start logging on this thread before Pekko and JavaCV log from theirs; otherwise SLF4J
    // warns that it replayed calls made while it was starting.
    LoggerFactory.getILoggerFactory();
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit status (used by tests too). */
  public static int run(String... args) {
    return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true))
        .execute(args);
  }

  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    RuntimeOptions.nameExamples(cli);
    cli.setExitCodeExceptionMapper(e -> FAILED);
    cli.setParameterExceptionHandler((e, args) -> usage(e.getCommandLine(), e.getMessage()));
    cli.setExecutionExceptionHandler(
        (e, bad, parseResult) -> {
          if (e instanceof BadArgumentException) {
            return usage(bad, e.getMessage());
          }
          bad.getErr().println(bad.getCommandSpec().qualifiedName() + ": " + oneLine(e));
          if (Boolean.getBoolean("vigil.debug")) {
            e.printStackTrace(bad.getErr());
          }
          return FAILED;
        });
    return cli;
  }

  /** Says what is wrong with the command line and where its usage is; the status is 2. */
  private static int usage(CommandLine bad, String message) {
    bad.getErr().println("vigil: " + message);
    bad.getErr().println("Try '" + bad.getCommandSpec().qualifiedName() + " --help' for usage.");
    return USAGE;
  }

  /** The message of a failure, or its type where it has none. */
  static String oneLine(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  @Override
  public void run() {
    // `vigil` alone: show what there is to run.
    new CommandLine(this).usage(System.out);
  }
}

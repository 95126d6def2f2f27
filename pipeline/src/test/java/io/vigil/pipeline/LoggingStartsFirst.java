package io.vigil.pipeline;

import org.junit.jupiter.api.extension.Extension;
import org.slf4j.LoggerFactory;

/**
 * Starts logging before any test does, as {@code Main} does for the command line: otherwise the
 * first test's threads log while SLF4J is starting and it warns that it replayed their calls.
 * Registered for every test through {@code junit-platform.properties}.
 */
public final class LoggingStartsFirst implements Extension {

  public LoggingStartsFirst() {
    LoggerFactory.getILoggerFactory();
  }
}

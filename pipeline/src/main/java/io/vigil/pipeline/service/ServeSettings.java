package io.vigil.pipeline.service;

import com.typesafe.config.Config;
import io.vigil.pipeline.config.ConfigKeys;
import io.vigil.pipeline.config.ConfigPaths;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How {@code vigil serve} listens (configuration block {@code vigil.serve}).
 *
 * @param host the address to listen on; anything but loopback needs a token
 * @param port the TCP port (0 = any free port, for tests)
 * @param tokenFile the file holding the bearer token, or null (then {@link ApiToken#ENVIRONMENT})
 * @param maxModelBytes the largest model file an upload may send
 * @param maxClipBytes the largest labeled clip (video and labels together) an upload may send
 * @param askTimeout how long a call waits for the actors before it answers 503
 */
public record ServeSettings(
    String host,
    int port,
    Path tokenFile,
    long maxModelBytes,
    long maxClipBytes,
    Duration askTimeout) {

  public ServeSettings {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("vigil.serve.host is empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("vigil.serve.port must be 0 to 65535, got " + port);
    }
    if (maxModelBytes < 1 || maxClipBytes < 1) {
      throw new IllegalArgumentException("vigil.serve upload limits must be positive");
    }
  }

  /**
   * The settings of {@code config}'s {@code vigil.serve} block; relative paths by {@code paths}.
   */
  public static ServeSettings from(Config config, ConfigPaths paths) {
    ConfigKeys.check(config, "vigil.serve");
    Config c = config.getConfig("vigil.serve");
    String token = c.getString("token-file");
    return new ServeSettings(
        c.getString("host"),
        c.getInt("port"),
        token.isBlank() ? null : paths.apply(token),
        c.getBytes("max-model-bytes"),
        c.getBytes("max-clip-bytes"),
        c.getDuration("ask-timeout"));
  }

  /** The same settings on another address and port. */
  public ServeSettings listeningOn(String newHost, int newPort) {
    return new ServeSettings(newHost, newPort, tokenFile, maxModelBytes, maxClipBytes, askTimeout);
  }

  /** The same settings with another token file. */
  public ServeSettings withTokenFile(Path file) {
    return new ServeSettings(host, port, file, maxModelBytes, maxClipBytes, askTimeout);
  }

  /** Whether {@link #host} is a loopback address (127.0.0.0/8, ::1, localhost). */
  public boolean loopbackOnly() {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("vigil.serve.host: unknown host " + host, e);
    }
  }
}

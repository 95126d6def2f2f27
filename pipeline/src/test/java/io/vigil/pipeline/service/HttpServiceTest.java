package io.vigil.pipeline.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The service will not listen beyond loopback without a token. */
class HttpServiceTest {

  private static ServiceContext on(String host) {
    ServeSettings settings =
        new ServeSettings(host, 0, null, 1 << 20, 1 << 20, Duration.ofSeconds(5));
    return new ServiceContext(
        null, null, null, List.of(), null, settings, null, Map.of(), null, List.of(), List.of(),
        null, null, List.of());
  }

  @Test
  void anAddressBeyondLoopbackWithoutATokenIsRefusedNamingIt() {
    for (String host : List.of("0.0.0.0", "::")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> HttpService.start(on(host), Optional.empty(), Duration.ofSeconds(5)));
      assertTrue(
          e.getMessage().contains("listening on " + host + " needs an API token"), e.getMessage());
    }
  }

  @Test
  void loopbackAddressesAreLoopback() {
    assertTrue(on("127.0.0.1").settings().loopbackOnly());
    assertTrue(on("127.1.2.3").settings().loopbackOnly());
    assertTrue(on("::1").settings().loopbackOnly());
    assertTrue(on("localhost").settings().loopbackOnly());
    assertFalse(on("0.0.0.0").settings().loopbackOnly());
  }
}

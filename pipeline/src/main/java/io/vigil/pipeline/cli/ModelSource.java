package io.vigil.pipeline.cli;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.model.Model;
import io.vigil.pipeline.control.RegistryFollower;
import io.vigil.pipeline.registry.ModelRegistry;
import io.vigil.pipeline.stream.ModelSwapTarget;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Where {@code vigil analyze} takes its model from: a model file, or a registry it follows (its
 * active version at the start, and every version made active while it runs).
 *
 * @param file the model file, or null for the registry's active version
 * @param registry the registry to follow, or null
 */
record ModelSource(Path file, ModelRegistry registry) {

  /** How often a followed registry is looked at. */
  static final Duration FOLLOW_EVERY = Duration.ofSeconds(1);

  /** The model to start with. */
  Model load(Backend backend) throws IOException {
    if (file != null) {
      return ModelFiles.load(file, backend);
    }
    String active =
        registry
            .active()
            .orElseThrow(
                () ->
                    new IOException(
                        "registry "
                            + registry.dir()
                            + " has no active version; activate one (vigil models activate) or"
                            + " name --model"));
    return registry.load(active, backend);
  }

  /** Follows the registry for {@code target} until closed; does nothing without one. */
  Following follow(ModelSwapTarget target, Backend backend, Consumer<String> report) {
    if (registry == null) {
      return () -> {};
    }
    RegistryFollower follower =
        RegistryFollower.start(registry, target, backend, FOLLOW_EVERY, report);
    return follower::close;
  }

  /** Following a registry, until closed. */
  interface Following extends AutoCloseable {
    @Override
    void close();
  }
}

package io.vigil.pipeline.control;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Receives every {@link ControlEvent}: logs it as one line and appends it to a journal that others
 * read (the demo's timeline, the service). The journal is the one piece of state read outside the
 * actors, so it is an append-only list safe to read from any thread.
 */
public final class EventJournal {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(EventJournal.class);

  private EventJournal() {}

  /** A journal appending to {@code entries} (a list safe for concurrent reads). */
  public static Behavior<ControlEvent> create(CopyOnWriteArrayList<ControlEvent> entries) {
    return Behaviors.receiveMessage(
        event -> {
          if (event instanceof ControlEvent.TrainingFailed
              || event instanceof ControlEvent.ClipRejected
              || event instanceof ControlEvent.SwapRefused) {
            log.warn("{}", event.describe());
          } else {
            log.info("{}", event.describe());
          }
          entries.add(event);
          return Behaviors.same();
        });
  }

  /** A journal that only logs. */
  public static Behavior<ControlEvent> create() {
    return create(new CopyOnWriteArrayList<>());
  }

  /** The entries of type {@code type}, in order. */
  public static <T extends ControlEvent> List<T> only(List<ControlEvent> entries, Class<T> type) {
    return entries.stream().filter(type::isInstance).map(type::cast).toList();
  }
}

package io.vigil.pipeline.service;

import io.vigil.pipeline.control.ControlEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainer's state and runs as the journal tells them: a run starts with {@link
 * ControlEvent.TrainingStarted} and ends with the gate's decision or a failure; a passed gate is
 * followed by the version published. Read from the journal so that the trainer actor, which its
 * supervisor restarts, keeps no state for the service.
 */
final class TrainerHistory {

  private TrainerHistory() {}

  /** {@code {"state", "current", "history"}} of {@code journal}; the newest run last. */
  static Map<String, Object> of(List<ControlEvent> journal) {
    List<Map<String, Object>> runs = new ArrayList<>();
    Map<String, Object> current = null;
    for (ControlEvent e : journal) {
      if (e instanceof ControlEvent.TrainingStarted started) {
        current = new LinkedHashMap<>();
        current.put("startedAt", started.at().toString());
        current.put("baseVersion", started.baseVersion());
        current.put("clips", names(started.clips()));
        current.put("outcome", "training");
        runs.add(current);
      } else if (e instanceof ControlEvent.TrainingFailed failed && current != null) {
        current.put("endedAt", failed.at().toString());
        current.put("outcome", "failed");
        current.put("reason", failed.reason());
        current = null;
      } else if (e instanceof ControlEvent.GateDecided gate && current != null) {
        current.put("endedAt", gate.at().toString());
        current.put("outcome", gate.verdict().passed() ? "passed" : "rejected");
        current.put("candidate", gate.candidateVersion());
        current.put("reason", gate.verdict().reason());
        current.put("newSceneBefore", gate.verdict().newBefore());
        current.put("newSceneAfter", gate.verdict().newAfter());
        current.put("originalBefore", gate.verdict().originalBefore());
        current.put("originalAfter", gate.verdict().originalAfter());
        current.put("newFrames", gate.newFrames());
        current.put("replayedFrames", gate.replayedFrames());
        current.put("trainingSeconds", gate.trainingSeconds());
        current = null;
      } else if (e instanceof ControlEvent.VersionPublished published && !runs.isEmpty()) {
        Map<String, Object> last = runs.get(runs.size() - 1);
        if (published.version().equals(last.get("candidate"))) {
          last.put("published", published.version());
        }
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("state", current != null ? "training" : "idle");
    body.put("current", current);
    body.put("history", runs);
    return body;
  }

  private static List<String> names(List<Path> clips) {
    return clips.stream().map(p -> p.getFileName().toString()).toList();
  }
}

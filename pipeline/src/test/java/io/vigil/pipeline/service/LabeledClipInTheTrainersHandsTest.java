package io.vigil.pipeline.service;

import static io.vigil.pipeline.service.LabelingFixtures.CLASSES;
import static io.vigil.pipeline.service.LabelingFixtures.INPUT;
import static io.vigil.pipeline.service.LabelingFixtures.doubtful;
import static io.vigil.pipeline.service.LabelingFixtures.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.train.FineTuner;
import io.vigil.pipeline.control.ClipInbox;
import io.vigil.pipeline.control.ControlEvent;
import io.vigil.pipeline.video.LabeledClips;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clip of labels goes where the trainer takes it: the inbox picks it up like any dropped-in clip,
 * and the trainer's split of the default clip sizes leaves its gate held-out frames to decide on.
 */
class LabeledClipInTheTrainersHandsTest {

  private static final Duration POLL = Duration.ofSeconds(1);

  private static ActorTestKit kit;
  private static ManualTime time;

  @TempDir Path inbox;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create(ManualTime.config().withFallback(ConfigFactory.load()));
    time = ManualTime.get(kit.system());
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /** One poll of the inbox, handled before this returns. */
  private static void poll(ActorRef<ClipInbox.Command> clips) {
    time.timePasses(POLL);
    TestProbe<ClipInbox.Status> status = kit.createTestProbe();
    clips.tell(new ClipInbox.GetStatus(status.ref()));
    status.receiveMessage();
  }

  @Test
  void theInboxTakesTheClipAndHandsItToTheTrainer() throws Exception {
    LabelingSettings settings = LabelingSettings.defaults();
    LabelingQueue q = new LabelingQueue(INPUT, CLASSES, inbox, settings);
    TestProbe<ControlEvent> events = kit.createTestProbe();
    TestProbe<ClipInbox.Work> trainer = kit.createTestProbe();
    ActorRef<ClipInbox.Command> clips = kit.spawn(ClipInbox.create(inbox, POLL, 3, events.ref()));
    clips.tell(new ClipInbox.RequestWork(trainer.ref()));

    // The stream runs on while a person labels the queue's page of items, a page at a time.
    Path clip = null;
    long next = 0;
    while (clip == null) {
      for (int i = 0; i < settings.perStream(); i++, next += settings.minGap()) {
        q.frame(frame("cam", next));
        q.result(doubtful("cam", next, 0.01f));
      }
      for (LabelingItem item : q.snapshot().streams().get("cam")) {
        LabelingQueue.LabelOutcome outcome = q.label(item.id(), "Sandal");
        clip = outcome.clip() != null ? outcome.clip() : clip;
      }
    }
    assertEquals(settings.framesPerClip(), LabeledClips.read(clip, INPUT, CLASSES).count());
    poll(clips);
    poll(clips);
    assertEquals(List.of(clip), trainer.receiveMessage().clips());
  }

  @Test
  void theDefaultClipSizesLeaveTheGateHeldOutFrames() throws Exception {
    Config retrain = ConfigFactory.load().getConfig("vigil.retrain");
    double holdout = retrain.getDouble("holdout");
    int block = retrain.getInt("holdout-block");
    LabelingSettings settings = LabelingSettings.defaults();
    assertTrue(
        settings.minClipFrames() >= 2 * block,
        "a submitted clip makes at least two hold-out blocks, or the trainer cannot split it");

    LabeledImages full = images(settings.framesPerClip());
    LabeledImages[] split = FineTuner.splitHoldout(full, holdout, block, 42);
    assertEquals(80, split[0].count(), "trained on");
    assertEquals(20, split[1].count(), "held out for the gate");
    LabeledImages smallest = images(settings.minClipFrames());
    split = FineTuner.splitHoldout(smallest, holdout, block, 42);
    assertEquals(10, split[1].count(), "the smallest clip still holds out a whole block");
  }

  /** {@code n} labeled images as a clip gives them back. */
  private static LabeledImages images(int n) {
    return new LabeledImages(
        n, INPUT.channels(), INPUT.height(), INPUT.width(), new byte[n * INPUT.size()], new int[n]);
  }
}

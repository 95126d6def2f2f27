package io.vigil.pipeline.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.vigil.pipeline.video.LabelSidecar;
import java.io.IOException;
import java.nio.file.Files;
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

/** The clip inbox on manual time: what it takes from its folder, when, and where clips go. */
class ClipInboxTest {

  private static final Duration POLL = Duration.ofSeconds(1);

  private static ActorTestKit kit;
  private static ManualTime time;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create(ManualTime.config().withFallback(ConfigFactory.load()));
    time = ManualTime.get(kit.system());
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private final TestProbe<ControlEvent> events = kit.createTestProbe();
  private final TestProbe<ClipInbox.Work> trainer = kit.createTestProbe();

  private ActorRef<ClipInbox.Command> inbox(int maxAttempts) {
    return kit.spawn(ClipInbox.create(dir, POLL, maxAttempts, events.ref()));
  }

  private Path clip(String name) throws IOException {
    Path video = dir.resolve(name);
    Files.write(video, new byte[] {1, 2, 3});
    Files.writeString(LabelSidecar.pathFor(video), LabelSidecar.HEADER + "\n0,0,T-shirt/top\n");
    return video;
  }

  /** Waits until the inbox has handled every message sent to it before. */
  private static ClipInbox.Status sync(ActorRef<ClipInbox.Command> inbox) {
    TestProbe<ClipInbox.Status> status = kit.createTestProbe();
    inbox.tell(new ClipInbox.GetStatus(status.ref()));
    return status.receiveMessage();
  }

  /** Two polls: the first sees the files, the second sees their sizes unchanged. */
  private static void twoPolls(ActorRef<ClipInbox.Command> inbox) {
    poll(inbox);
    poll(inbox);
  }

  /** One poll, handled before this returns. */
  private static void poll(ActorRef<ClipInbox.Command> inbox) {
    time.timePasses(POLL);
    sync(inbox);
  }

  @Test
  void aClipWithItsSidecarIsTakenOnceItsSizeHoldsAndGoesToTheTrainerThatAsks() throws Exception {
    ActorRef<ClipInbox.Command> inbox = inbox(3);
    Path a = clip("night-1.mp4");
    twoPolls(inbox);
    ControlEvent.ClipsArrived arrived = events.expectMessageClass(ControlEvent.ClipsArrived.class);
    assertEquals(List.of(a), arrived.clips());
    inbox.tell(new ClipInbox.RequestWork(trainer.ref()));
    assertEquals(List.of(a), trainer.expectMessageClass(ClipInbox.Work.class).clips());
    // Taken once: later polls do not offer it again.
    inbox.tell(new ClipInbox.RequestWork(trainer.ref()));
    twoPolls(inbox);
    trainer.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void aClipWithoutItsSidecarOrStillGrowingWaits() throws Exception {
    ActorRef<ClipInbox.Command> inbox = inbox(3);
    inbox.tell(new ClipInbox.RequestWork(trainer.ref()));
    Path lonely = dir.resolve("lonely.mp4");
    Files.write(lonely, new byte[] {1});
    twoPolls(inbox);
    trainer.expectNoMessage(Duration.ofMillis(50));
    Path growing = clip("growing.mp4");
    poll(inbox);
    Files.write(growing, new byte[] {1, 2, 3, 4, 5});
    poll(inbox);
    trainer.expectNoMessage(Duration.ofMillis(50));
    poll(inbox);
    assertEquals(List.of(growing), trainer.expectMessageClass(ClipInbox.Work.class).clips());
  }

  @Test
  void usedClipsMoveToUsedWithTheirSidecars() throws Exception {
    ActorRef<ClipInbox.Command> inbox = inbox(3);
    Path a = clip("a.mp4");
    twoPolls(inbox);
    inbox.tell(new ClipInbox.RequestWork(trainer.ref()));
    trainer.expectMessageClass(ClipInbox.Work.class);
    inbox.tell(new ClipInbox.Finished(List.of(a)));
    assertTrue(sync(inbox).inTraining().isEmpty());
    assertFalse(Files.exists(a));
    assertTrue(Files.exists(dir.resolve("used/a.mp4")));
    assertTrue(Files.exists(dir.resolve("used/a.mp4.labels.csv")));
  }

  @Test
  void aClipWhoseTrainingKeepsFailingIsSetAsideWithWhy() throws Exception {
    ActorRef<ClipInbox.Command> inbox = inbox(2);
    Path a = clip("a.mp4");
    twoPolls(inbox);
    events.expectMessageClass(ControlEvent.ClipsArrived.class);
    inbox.tell(new ClipInbox.RequestWork(trainer.ref()));
    trainer.expectMessageClass(ClipInbox.Work.class);
    inbox.tell(new ClipInbox.Failed(List.of(a), "loss is NaN"));
    // Offered again after the first failure.
    inbox.tell(new ClipInbox.RequestWork(trainer.ref()));
    assertEquals(List.of(a), trainer.expectMessageClass(ClipInbox.Work.class).clips());
    inbox.tell(new ClipInbox.Failed(List.of(a), "loss is NaN"));
    ControlEvent.ClipRejected rejected = events.expectMessageClass(ControlEvent.ClipRejected.class);
    assertTrue(rejected.reason().contains("failed 2 times") && rejected.reason().contains("NaN"));
    sync(inbox);
    assertTrue(Files.exists(dir.resolve("rejected/a.mp4")));
    inbox.tell(new ClipInbox.RequestWork(trainer.ref()));
    twoPolls(inbox);
    trainer.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void aRejectedClipIsSetAsideAtOnceAndASubmittedOneIsNeverMoved() throws Exception {
    ActorRef<ClipInbox.Command> inbox = inbox(3);
    Path bad = clip("bad.mp4");
    twoPolls(inbox);
    inbox.tell(new ClipInbox.RequestWork(trainer.ref()));
    trainer.expectMessageClass(ClipInbox.Work.class);
    inbox.tell(new ClipInbox.Reject(bad, "5 labels for 3 frames"));
    sync(inbox);
    assertTrue(Files.exists(dir.resolve("rejected/bad.mp4")));
    Path outside = Files.createTempFile("outside", ".mp4");
    inbox.tell(new ClipInbox.Submit(outside));
    inbox.tell(new ClipInbox.RequestWork(trainer.ref()));
    List<Path> given = trainer.expectMessageClass(ClipInbox.Work.class).clips();
    assertEquals(List.of(outside.toAbsolutePath().normalize()), given);
    inbox.tell(new ClipInbox.Finished(given));
    sync(inbox);
    assertTrue(Files.exists(outside), "a clip from outside the inbox stays where it is");
    Files.delete(outside);
  }
}

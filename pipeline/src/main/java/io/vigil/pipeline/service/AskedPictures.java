package io.vigil.pipeline.service;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The pictures people are asked about, so that none is asked about twice: those waiting in the
 * labeling queue and the latest {@link #ANSWERED_KEPT} labeled or skipped, each by a 64-bit hash of
 * its model input. A looping clip shows the same pictures again, decoded to the same bytes. Not
 * thread-safe: {@link LabelingQueue} guards it.
 */
final class AskedPictures {

  /** Answered pictures remembered (a few hundred kilobytes at most). */
  static final int ANSWERED_KEPT = 10_000;

  private final Map<Long, String> waiting = new HashMap<>();
  private final Map<String, Long> pictureOf = new HashMap<>();
  private final Set<Long> answered =
      Collections.newSetFromMap(
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
              return size() > ANSWERED_KEPT;
            }
          });

  /** A 64-bit FNV-1a hash of a picture: equal pictures, equal hashes; others almost never. */
  static long hash(byte[] bytes) {
    long h = 0xcbf29ce484222325L;
    for (byte b : bytes) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return h;
  }

  /** Whether {@code picture} was answered, or waits as an item other than {@code id}. */
  boolean asked(long picture, String id) {
    String twin = waiting.get(picture);
    return answered.contains(picture) || (twin != null && !twin.equals(id));
  }

  /** Item {@code id}, showing {@code picture}, now waits. */
  void waits(String id, long picture) {
    waiting.put(picture, id);
    pictureOf.put(id, picture);
  }

  /**
   * Item {@code id} left the queue unanswered (pushed out): its picture may be asked about again.
   */
  void pushedOut(String id) {
    forget(id);
  }

  /** Item {@code id} was labeled or skipped: its picture is not asked about again. */
  void answered(String id) {
    Long picture = forget(id);
    if (picture != null) {
      answered.add(picture);
    }
  }

  private Long forget(String id) {
    Long picture = pictureOf.remove(id);
    if (picture != null && id.equals(waiting.get(picture))) {
      waiting.remove(picture);
    }
    return picture;
  }
}

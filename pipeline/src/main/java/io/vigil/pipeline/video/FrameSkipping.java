package io.vigil.pipeline.video;

/**
 * Which frames the decoder may leave undecoded, for a source that has fallen behind real time
 * (FFmpeg's {@code skip_frame}). A skipped frame never leaves the decoder; frames that refer to it
 * are not skipped by these levels, because a frame that others are predicted from is never skipped
 * short of {@link #NON_KEY}, which resumes only at the next key frame.
 */
public enum FrameSkipping {
  /** Every frame decoded. */
  NONE,
  /** Frames no other frame refers to (most B-frames) skipped: cheap to lose, nothing breaks. */
  NON_REFERENCE,
  /** Only key frames decoded: the most a decoder can save, at the price of the frames between. */
  NON_KEY
}

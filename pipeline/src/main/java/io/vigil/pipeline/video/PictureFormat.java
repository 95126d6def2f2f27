package io.vigil.pipeline.video;

/** The form in which a {@link VideoDecoder} hands over each decoded picture. */
public enum PictureFormat {

  /**
   * Converted by swscale to 8-bit BGR at the video's own size, in {@link DecodedFrame#frame()}'s
   * image: for OpenCV, annotated videos and sliding windows, which need the whole picture in
   * colour.
   */
  BGR,

  /**
   * As the decoder produced it (for most cameras planar YUV 4:2:0, 8 or 10 bits), not converted at
   * all: {@link DecodedFrame#picture()} for a {@link FrameScaler}, which takes it to the model's
   * input in one pass. The frame's image is not to be read as pixels.
   */
  NATIVE
}

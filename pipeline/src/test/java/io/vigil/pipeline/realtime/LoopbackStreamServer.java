package io.vigil.pipeline.realtime;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Serves a generated MPEG-TS video over TCP on 127.0.0.1: each {@link #serve} accepts one client,
 * sends it the clip paced at its frame rate, and closes the connection (a camera that goes away);
 * {@link #serveAndStop} also stops listening until {@link #restart} (a camera that is down).
 *
 * <p>The clip is encoded once, up front, and served as bytes by a plain {@link ServerSocket}:
 * JavaCV's grabber and recorder {@code start()} hold one global lock, so an FFmpeg recorder
 * listening for the client would block the client's own grabber from connecting.
 */
final class LoopbackStreamServer implements AutoCloseable {

  private static final int TS_PACKET = 188;

  private final int port;
  private ServerSocket socket;
  private final byte[] clip;
  private final int frames;
  private final double fps;

  LoopbackStreamServer(Path work, int frames, double fps) throws Exception {
    this.frames = frames;
    this.fps = fps;
    this.clip = encode(work.resolve("loopback.ts"), frames, fps);
    this.socket = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
    this.port = socket.getLocalPort();
  }

  String url() {
    return "tcp://127.0.0.1:" + port;
  }

  /**
   * Accepts one client, stops listening (from then on a connection is refused at once, as by a
   * camera that is down), sends the clip at its frame rate and hangs up.
   */
  void serveAndStop() throws IOException, InterruptedException {
    try (Socket client = socket.accept();
        OutputStream out = client.getOutputStream()) {
      socket.close();
      send(out);
    }
  }

  /** Listens again on the same port after {@link #serveAndStop}. */
  void restart() throws IOException {
    ServerSocket again = new ServerSocket();
    again.setReuseAddress(true);
    again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4);
    socket = again;
  }

  /** Accepts one client and sends it the clip at its frame rate, then hangs up. */
  void serve() throws IOException, InterruptedException {
    try (Socket client = socket.accept();
        OutputStream out = client.getOutputStream()) {
      send(out);
    }
  }

  private void send(OutputStream out) throws IOException, InterruptedException {
    int packets = clip.length / TS_PACKET;
    long start = System.nanoTime();
    double seconds = frames / fps;
    for (int p = 0; p < packets; p++) {
      out.write(clip, p * TS_PACKET, TS_PACKET);
      long due = start + (long) (seconds * 1e9 * (p + 1) / packets);
      long sleep = due - System.nanoTime();
      if (sleep > 1_000_000) {
        out.flush();
        Thread.sleep(sleep / 1_000_000);
      }
    }
    out.flush();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private static byte[] encode(Path file, int frames, double fps) throws Exception {
    try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), 64, 64, 0);
        Frame frame = new Frame(64, 64, Frame.DEPTH_UBYTE, 3)) {
      recorder.setFormat("mpegts");
      recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG1VIDEO);
      recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      recorder.setFrameRate(fps);
      recorder.setGopSize(5);
      recorder.start();
      ByteBuffer pixels = (ByteBuffer) frame.image[0];
      for (int i = 0; i < frames; i++) {
        for (int p = 0; p < pixels.capacity(); p++) {
          pixels.put(p, (byte) ((p + i * 7) & 0xff));
        }
        recorder.record(frame);
      }
      recorder.stop();
    }
    return Files.readAllBytes(file);
  }
}

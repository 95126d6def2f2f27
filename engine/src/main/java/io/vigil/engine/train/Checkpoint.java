package io.vigil.engine.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.engine.io.AtomicFiles;
import io.vigil.engine.layer.Parameter;
import io.vigil.engine.layer.StateTensor;
import io.vigil.engine.network.Network;
import io.vigil.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The state of a training run after an epoch, so that an interrupted run can continue where it
 * stopped: the network's weights, the optimizer's tensors and step count, and the epochs done.
 *
 * <p>File layout: the 8 bytes {@code VIGILCKP}, a little-endian int format version, an int header
 * length, a UTF-8 JSON {@link Header}, the tensors as little-endian float32 (parameters in {@link
 * Network#parameters()} order, then {@link Optimizer#state()}), and a SHA-256 of everything before
 * it. Written atomically; a damaged or mismatched checkpoint is refused with a message naming the
 * file and what does not match.
 */
final class Checkpoint {

  private static final byte[] MAGIC = "VIGILCKP".getBytes(StandardCharsets.US_ASCII);
  private static final int FORMAT_VERSION = 1;
  private static final int DIGEST = 32;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the JSON header records. */
  record Header(
      int epochsDone,
      int epochs,
      String settings,
      long optimizerSteps,
      String network,
      List<Integer> tensorSizes) {}

  private Checkpoint() {}

  static void save(
      Path file, Network network, Optimizer optimizer, TrainingConfig config, int epochsDone)
      throws IOException {
    List<Tensor> tensors = tensors(network, optimizer);
    List<Integer> sizes = tensors.stream().map(Tensor::size).toList();
    Header header =
        new Header(
            epochsDone,
            config.epochs(),
            config.settingsWithoutEpochs(),
            optimizer.steps(),
            networkJson(network),
            sizes);
    byte[] json = JSON.writeValueAsBytes(header);
    long floats = sizes.stream().mapToLong(Integer::longValue).sum();
    ByteBuffer body =
        ByteBuffer.allocate(Math.toIntExact(MAGIC.length + 8 + json.length + floats * 4 + DIGEST))
            .order(ByteOrder.LITTLE_ENDIAN);
    body.put(MAGIC).putInt(FORMAT_VERSION).putInt(json.length).put(json);
    for (Tensor t : tensors) {
      float[] values = new float[t.size()];
      network.backend().download(t, 0, values, 0, values.length);
      body.asFloatBuffer().put(values);
      body.position(body.position() + values.length * 4);
    }
    body.put(sha256(body.array(), body.position()));
    body.flip();
    AtomicFiles.write(file, body);
  }

  /**
   * Loads {@code file} into {@code network} and {@code optimizer} and returns the epochs it had
   * done. Refuses a checkpoint of another network or other settings: continuing it would train a
   * different run than the one asked for.
   */
  static int restore(Path file, Network network, Optimizer optimizer, TrainingConfig config)
      throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < MAGIC.length + 8 + DIGEST
        || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
      throw new IOException(file + ": not a vigil training checkpoint");
    }
    byte[] digest = sha256(bytes, bytes.length - DIGEST);
    if (!Arrays.equals(digest, Arrays.copyOfRange(bytes, bytes.length - DIGEST, bytes.length))) {
      throw new IOException(file + ": damaged checkpoint (checksum does not match its contents)");
    }
    in.position(MAGIC.length);
    int version = in.getInt();
    if (version != FORMAT_VERSION) {
      throw new IOException(
          file + ": checkpoint format " + version + " is not the supported " + FORMAT_VERSION);
    }
    byte[] json = new byte[in.getInt()];
    in.get(json);
    Header header = JSON.readValue(json, Header.class);
    if (!header.network().equals(networkJson(network))) {
      throw new IOException(file + ": checkpoint of a different network than the one to train");
    }
    String settings = config.settingsWithoutEpochs();
    boolean epochsMatter =
        !(config.schedule() instanceof LearningRateSchedule.Constant)
            && !(config.schedule() instanceof LearningRateSchedule.Step);
    if (!header.settings().equals(settings)
        || (epochsMatter && header.epochs() != config.epochs())) {
      throw new IOException(
          file
              + ": checkpoint made with other settings (epochs="
              + header.epochs()
              + " "
              + header.settings()
              + "; now "
              + config
              + ")");
    }
    if (header.epochsDone() > config.epochs()) {
      throw new IOException(
          file
              + ": checkpoint has "
              + header.epochsDone()
              + " epochs done, more than the "
              + config.epochs()
              + " asked for");
    }
    List<Tensor> tensors = tensors(network, optimizer);
    List<Integer> sizes = tensors.stream().map(Tensor::size).toList();
    if (!sizes.equals(header.tensorSizes())) {
      throw new IOException(file + ": checkpoint tensors do not match the network's");
    }
    for (Tensor t : tensors) {
      float[] values = new float[t.size()];
      in.asFloatBuffer().get(values);
      in.position(in.position() + values.length * 4);
      network.backend().upload(values, 0, t, 0, values.length);
    }
    optimizer.restoreSteps(header.optimizerSteps());
    return header.epochsDone();
  }

  private static List<Tensor> tensors(Network network, Optimizer optimizer) {
    List<Tensor> all = new ArrayList<>();
    for (Parameter p : network.parameters()) {
      all.add(p.value());
    }
    for (StateTensor s : network.state()) {
      all.add(s.value()); // e.g. batch norm's running statistics: learned, but not by gradient
    }
    all.addAll(optimizer.state());
    return all;
  }

  private static String networkJson(Network network) {
    try {
      return JSON.writeValueAsString(network.spec());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot describe the network as JSON", e);
    }
  }

  private static byte[] sha256(byte[] bytes, int length) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(bytes, 0, length);
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}

package io.vigil.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.network.Network;
import io.vigil.engine.network.NetworkSpec;
import io.vigil.engine.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;

/**
 * Reads ONNX model files into vigil models. The graph is parsed with the classes generated from
 * {@code onnx.proto}, checked (opset 9 to 17 of the default domain, no other domain, a DAG, every
 * name defined, tensor sizes consistent with their data), and mapped operator by operator onto
 * vigil's layers; the result trains and runs like any vigil model. Whatever vigil cannot compute
 * exactly is refused with an {@link OnnxFormatException} naming the file, the node, its operator
 * and opset, and the attribute or value at fault: an import never gives an approximate model.
 */
public final class OnnxImport {

  /** Opsets of the default domain the mappings are written for. */
  static final int MIN_OPSET = 9;

  static final int MAX_OPSET = 17;

  private OnnxImport() {}

  /** Reads an ONNX file into a vigil Model on {@code backend} (weights loaded). */
  public static Model read(Path file, ImportOptions options, Backend backend)
      throws OnnxFormatException {
    String source = file.toString();
    return read(
        source,
        options,
        backend,
        () -> {
          // The bytes are read here, inside the source, so that once parsed they are held only by
          // the parsed file (whose tensors alias them), which the import drops after mapping.
          byte[] bytes;
          try {
            // Protobuf messages, ONNX files included, cannot exceed 2 GB.
            if (Files.size(file) > Integer.MAX_VALUE - 8) {
              throw new OnnxFormatException(source + ": larger than 2 GB, not an ONNX model");
            }
            bytes = Files.readAllBytes(file);
          } catch (OnnxFormatException e) {
            throw e;
          } catch (IOException e) {
            throw new OnnxFormatException(source + ": cannot be read: " + e, e);
          }
          return parse(source, bytes);
        });
  }

  /**
   * Reads ONNX bytes into a vigil Model on {@code backend}; {@code sourceName} names them in
   * messages and gives the default model name.
   */
  public static Model read(byte[] bytes, String sourceName, ImportOptions options, Backend backend)
      throws OnnxFormatException {
    return read(sourceName, options, backend, () -> parse(sourceName, bytes));
  }

  /** Where the parsed file comes from. */
  private interface Source {
    ModelProto parse() throws OnnxFormatException;
  }

  /** What a Model is made of, built before it so that the file's data can go first. */
  private record Parts(
      String name,
      Network network,
      InputContract contract,
      List<String> classes,
      Provenance provenance) {}

  private static Model read(
      String sourceName, ImportOptions options, Backend backend, Source source)
      throws OnnxFormatException {
    Parts p =
        parts(sourceName, options == null ? ImportOptions.defaults() : options, backend, source);
    try {
      return Model.create(p.name(), p.network(), p.contract(), p.classes(), p.provenance());
    } catch (IllegalArgumentException e) {
      throw new OnnxFormatException(sourceName + ": " + e.getMessage(), e);
    }
  }

  private static Parts parts(String sourceName, ImportOptions opts, Backend backend, Source source)
      throws OnnxFormatException {
    ModelProto model = source.parse();
    int opset = opset(sourceName, model);
    checkDomains(sourceName, model, opset);
    GraphInput input = GraphInput.read(sourceName, model.getGraph(), opts);
    GraphMapper.Result mapped =
        GraphMapper.map(
            sourceName, opset, model.getGraph(), input.name(), input.image(), input.batch());
    ImportMetadata metadata = new ImportMetadata(sourceName, model);
    Shape image = input.image();
    InputContract contract = Contracts.input(sourceName, image, opts, metadata);
    Shape out = mapped.output().shape();
    List<String> classes =
        Contracts.classes(sourceName, out.c() * out.h() * out.w(), opts, metadata);
    String name = Contracts.name(sourceName, opts, metadata);
    String notes =
        "imported from ONNX file "
            + fileName(sourceName)
            + " (producer "
            + (model.getProducerName() + " " + model.getProducerVersion()).trim()
            + ", IR "
            + model.getIrVersion()
            + ", opset "
            + opset
            + ")";
    // The file's tensors are decoded into the draft by now; dropping the parsed file here lets it
    // be collected while the network is built, so a large model is not held three times.
    model = null;
    Network network = build(sourceName, image, mapped.draft(), backend);
    Provenance provenance =
        new Provenance(
            "unknown",
            0,
            0.0,
            null,
            Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
            notes);
    return new Parts(name, network, contract, classes, provenance);
  }

  private static ModelProto parse(String source, byte[] bytes) throws OnnxFormatException {
    if (bytes.length == 0) {
      throw new OnnxFormatException(source + ": the file is empty, not an ONNX model");
    }
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    in.enableAliasing(true); // tensors' raw_data share the array instead of copying it
    in.setSizeLimit(Integer.MAX_VALUE);
    ModelProto model;
    try {
      model = ModelProto.parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      throw notOnnx(source, e);
    } catch (IOException e) {
      throw new OnnxFormatException(source + ": cannot be read: " + e, e);
    }
    if (!model.hasGraph() || model.getOpsetImportCount() == 0) {
      throw new OnnxFormatException(
          source
              + ": not an ONNX model: "
              + (model.hasGraph() ? "no opset_import" : "no graph")
              + " (a truncated or foreign file)");
    }
    return model;
  }

  private static OnnxFormatException notOnnx(String source, InvalidProtocolBufferException e) {
    return new OnnxFormatException(
        source + ": not an ONNX model (truncated or not protobuf): " + e.getMessage(), e);
  }

  /** The opset of the default domain ("" or "ai.onnx"), which must lie in 9..17. */
  private static int opset(String source, ModelProto model) throws OnnxFormatException {
    long opset = -1;
    for (OperatorSetIdProto id : model.getOpsetImportList()) {
      if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
        opset = id.getVersion();
      }
    }
    if (opset < 0) {
      throw new OnnxFormatException(source + ": imports no opset of the default ONNX domain");
    }
    if (opset < MIN_OPSET || opset > MAX_OPSET) {
      throw new OnnxFormatException(
          source
              + ": opset "
              + opset
              + " of the default domain is not supported (vigil reads opsets "
              + MIN_OPSET
              + " to "
              + MAX_OPSET
              + ")");
    }
    return (int) opset;
  }

  /** Nodes of other domains (custom operators, ONNX-ML) have meanings vigil does not know. */
  private static void checkDomains(String source, ModelProto model, int opset)
      throws OnnxFormatException {
    List<NodeProto> nodes = model.getGraph().getNodeList();
    for (int i = 0; i < nodes.size(); i++) {
      NodeProto n = nodes.get(i);
      String domain = n.getDomain();
      if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
        throw new NodeRef(source, n.getName(), n.getOpType(), opset, i)
            .fail("domain '" + domain + "' is not supported (only the default ONNX domain is)");
      }
    }
  }

  private static Network build(String source, Shape image, NetworkDraft draft, Backend backend)
      throws OnnxFormatException {
    Network network;
    try {
      NetworkSpec spec = new NetworkSpec(image.c(), image.h(), image.w(), draft.specs());
      network = Network.fromSpec(spec, backend);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new OnnxFormatException(
          source + ": the mapped network is invalid: " + e.getMessage(), e);
    } catch (IllegalStateException e) {
      // The backend refused the network (Backend.checkFits): too big for its device.
      throw new OnnxFormatException(source + ": the model cannot be placed: " + e.getMessage(), e);
    }
    try {
      Weights.load(source, draft, network);
    } catch (OnnxFormatException | RuntimeException e) {
      // Refused: nobody else will ever hold this network, so its tensors go now.
      network.close();
      throw e;
    }
    return network;
  }

  static String fileName(String source) {
    int slash = Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\'));
    return source.substring(slash + 1);
  }
}

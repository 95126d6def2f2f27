package io.vigil.engine.data;

import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Reads a folder of images laid out one sub-folder per class ({@code root/<class>/<image>}, the
 * class names being the sub-folder names in sorted order), converting each image to the wanted
 * channels (gray as ITU-R BT.601 luma, or RGB) and size (area-averaged resize; aspect ratio not
 * kept). Reads what {@link ImageIO} reads: PNG, JPEG, BMP, GIF.
 */
final class ImageFolderReader {

  private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

  /** The images of one folder and the class names their labels index. */
  record Folder(LabeledImages images, List<String> classNames) {}

  private final int channels;
  private final int height;
  private final int width;

  ImageFolderReader(int channels, int height, int width) {
    this.channels = channels;
    this.height = height;
    this.width = width;
  }

  /**
   * @param classNames the classes to expect (a test folder must use the training folder's), or null
   *     to take them from the sub-folders
   */
  Folder read(Path root, List<String> classNames) throws IOException {
    List<String> found = classFolders(root);
    List<String> classes = classNames == null ? found : classNames;
    for (String name : found) {
      if (!classes.contains(name)) {
        throw new IOException(
            root + ": class folder '" + name + "' is not among the training classes " + classes);
      }
    }
    List<byte[]> images = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (String name : found) {
      List<Path> files;
      try (Stream<Path> list = Files.list(root.resolve(name))) {
        files = list.filter(ImageFolderReader::isImage).sorted().toList();
      }
      if (files.isEmpty()) {
        throw new IOException(root.resolve(name) + ": no images (png, jpg, jpeg, bmp, gif)");
      }
      for (Path file : files) {
        images.add(pixels(file));
        labels.add(classes.indexOf(name));
      }
    }
    int size = channels * height * width;
    byte[] all = new byte[images.size() * size];
    for (int i = 0; i < images.size(); i++) {
      System.arraycopy(images.get(i), 0, all, i * size, size);
    }
    int[] labelArray = labels.stream().mapToInt(Integer::intValue).toArray();
    return new Folder(
        new LabeledImages(images.size(), channels, height, width, all, labelArray), classes);
  }

  /** The class sub-folders of {@code root}, sorted; none is an error naming {@code root}. */
  static List<String> classFolders(Path root) throws IOException {
    List<String> found;
    try (Stream<Path> dirs = Files.list(root)) {
      found =
          dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
    if (found.isEmpty()) {
      throw new IOException(root + ": no class folders (expected " + root + "/<class>/<images>)");
    }
    return found;
  }

  private static boolean isImage(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    int dot = name.lastIndexOf('.');
    return Files.isRegularFile(file) && dot > 0 && EXTENSIONS.contains(name.substring(dot + 1));
  }

  /** The image as CHW bytes of the wanted channels and size. */
  private byte[] pixels(Path file) throws IOException {
    BufferedImage source = ImageIO.read(file.toFile());
    if (source == null) {
      throw new IOException(file + ": not an image this reader understands");
    }
    BufferedImage rgb = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = rgb.createGraphics();
    try {
      g.drawImage(source.getScaledInstance(width, height, Image.SCALE_AREA_AVERAGING), 0, 0, null);
    } finally {
      g.dispose();
    }
    int plane = height * width;
    byte[] out = new byte[channels * plane];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int p = rgb.getRGB(x, y);
        int r = (p >> 16) & 0xFF;
        int gr = (p >> 8) & 0xFF;
        int b = p & 0xFF;
        int i = y * width + x;
        if (channels == 1) {
          out[i] = (byte) Math.round(0.299f * r + 0.587f * gr + 0.114f * b);
        } else {
          out[i] = (byte) r;
          out[plane + i] = (byte) gr;
          out[2 * plane + i] = (byte) b;
        }
      }
    }
    return out;
  }
}

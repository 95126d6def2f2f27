package io.vigil.pipeline.result;

/**
 * Where the windows of one frame size lie. The source rectangle {@code scored} is resized to {@code
 * inputWidth × inputHeight} and run through the converted network, which scores {@code rows × cols}
 * windows; window {@code (r, c)} covers source pixels {@code x = scored.x() + c·strideX} to {@code
 * + windowWidth}, {@code y = scored.y() + r·strideY} to {@code + windowHeight}.
 *
 * @param scored the rectangle of the frame the windows cover, in source pixels
 * @param inputWidth the converted network's input width
 * @param inputHeight its input height
 * @param rows windows per column
 * @param cols windows per row
 * @param windowWidth one window's width in source pixels
 * @param windowHeight one window's height in source pixels
 * @param strideX source pixels between neighbouring windows in a row
 * @param strideY source pixels between neighbouring rows of windows
 */
public record WindowGrid(
    RegionOfInterest scored,
    int inputWidth,
    int inputHeight,
    int rows,
    int cols,
    double windowWidth,
    double windowHeight,
    double strideX,
    double strideY) {}

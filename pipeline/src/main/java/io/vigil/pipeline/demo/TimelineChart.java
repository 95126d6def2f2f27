package io.vigil.pipeline.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The demo's chart: rolling accuracy (left axis) and per-second p99 latency (right axis) over the
 * run, with the scene change, the clips' arrival, the training and each swap marked. A PNG, written
 * to a temporary name and renamed, so it is whole or absent.
 */
final class TimelineChart {

  /** A moment to mark, in seconds from the start. */
  record Mark(double second, String label, Color color) {}

  /** A stretch of time to shade, in seconds from the start. */
  record Span(double from, double to, String label, Color color) {}

  private TimelineChart() {}

  static void write(
      Path png,
      String title,
      Map<Long, Double> accuracy,
      Map<Long, Double> latencyP99,
      List<Mark> marks,
      List<Span> spans)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYSeries acc = new XYSeries("rolling accuracy (%)");
    accuracy.forEach((s, a) -> acc.add(s.doubleValue(), 100 * a));
    XYSeries lat = new XYSeries("p99 latency (ms)");
    latencyP99.forEach((s, l) -> lat.add(s.doubleValue(), l.doubleValue()));

    JFreeChart chart =
        ChartFactory.createXYLineChart(
            title,
            "seconds",
            "accuracy (%)",
            new XYSeriesCollection(acc),
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    NumberAxis accuracyAxis = (NumberAxis) plot.getRangeAxis();
    accuracyAxis.setRange(0, 100);
    XYLineAndShapeRenderer accuracyLine = new XYLineAndShapeRenderer(true, false);
    accuracyLine.setSeriesPaint(0, new Color(0x1f77b4));
    accuracyLine.setSeriesStroke(0, new BasicStroke(2.5f));
    plot.setRenderer(0, accuracyLine);

    NumberAxis latencyAxis = new NumberAxis("p99 latency (ms)");
    latencyAxis.setAutoRangeIncludesZero(true);
    plot.setRangeAxis(1, latencyAxis);
    plot.setDataset(1, new XYSeriesCollection(lat));
    plot.mapDatasetToRangeAxis(1, 1);
    XYLineAndShapeRenderer latencyLine = new XYLineAndShapeRenderer(true, false);
    latencyLine.setSeriesPaint(0, new Color(0xd62728));
    latencyLine.setSeriesStroke(0, new BasicStroke(1.2f));
    plot.setRenderer(1, latencyLine);

    for (Span span : spans) {
      IntervalMarker m = new IntervalMarker(span.from(), span.to());
      m.setPaint(span.color());
      m.setAlpha(0.25f);
      m.setLabel(span.label());
      m.setLabelAnchor(RectangleAnchor.BOTTOM);
      m.setLabelTextAnchor(TextAnchor.BOTTOM_CENTER);
      plot.addDomainMarker(m, Layer.BACKGROUND);
    }
    List<Mark> sorted = new ArrayList<>(marks);
    sorted.sort((a, b) -> Double.compare(a.second(), b.second()));
    int row = 0;
    for (Mark mark : sorted) {
      ValueMarker m = new ValueMarker(mark.second());
      m.setPaint(mark.color());
      m.setStroke(new BasicStroke(1.5f));
      m.setLabel(mark.label());
      // Labels of nearby marks step down so that they do not overprint each other.
      m.setLabelOffset(new org.jfree.chart.ui.RectangleInsets(4 + 14 * (row++ % 4), 4, 4, 4));
      m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
      m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
      plot.addDomainMarker(m, Layer.FOREGROUND);
    }

    Files.createDirectories(png.toAbsolutePath().getParent());
    Path part = png.resolveSibling("." + png.getFileName() + ".part");
    ChartUtils.saveChartAsPNG(part.toFile(), chart, 1200, 600);
    Files.move(part, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}

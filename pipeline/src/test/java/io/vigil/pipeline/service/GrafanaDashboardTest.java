package io.vigil.pipeline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.engine.train.EpochSummary;
import io.vigil.engine.train.GateVerdict;
import io.vigil.pipeline.control.ControlEvent;
import io.vigil.pipeline.result.ConnectionCounts;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.stream.SwapReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard in deploy/ reads only what {@link ServiceMetrics} exports, with labels the
 * metrics have, and shows every vigil metric but the few named here: the dashboard and the metrics
 * cannot drift apart unnoticed.
 */
class GrafanaDashboardTest {

  private static final Path DASHBOARD = Path.of("../deploy/grafana/dashboards/vigil.json");

  /** vigil metrics the dashboard leaves out on purpose (a detail of another panel's figure). */
  private static final Set<String> NOT_ON_DASHBOARD =
      Set.of(
          "vigil_frames_dropped_unconverted_total",
          "vigil_clips_arrived_total",
          "vigil_clips_rejected_total");

  private static final Set<String> PROMQL_WORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "and",
          "or",
          "unless",
          "offset",
          "inf",
          "nan");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern SELECTOR =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");
  private static final Pattern MATCHER =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");

  private static JsonNode dashboard;

  /** Every sample name a fully fed scrape has, with the label names seen on it. */
  private static final Map<String, Set<String>> exported = new HashMap<>();

  @BeforeAll
  static void load() throws IOException {
    dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    CopyOnWriteArrayList<ControlEvent> journal = new CopyOnWriteArrayList<>();
    Instant t = Instant.EPOCH;
    journal.add(
        new ControlEvent.GateDecided(
            t, "v2", new GateVerdict(true, .4, .8, .9, .9, "ok"), 1, 1, 1));
    journal.add(new ControlEvent.Swapped(t, new SwapReport("v1", "v2", 1, 1, 1)));
    ServiceMetrics metrics =
        new ServiceMetrics(
            () ->
                ServiceMetricsTest.snapshot(
                    List.of(
                        ServiceMetricsTest.stream(
                            "cam1", 5, 5, 0, 0, new ConnectionCounts(1, 1, 0))),
                    1,
                    5,
                    5,
                    0),
            journal,
            () -> "v2");
    metrics.observe(new FrameResult("cam1", 0, 0, "v2", List.of(), 10));
    metrics.trainingListener().onEpochEnd(new EpochSummary(1, 1, 0.5, 0.8, Duration.ZERO));
    PrometheusText text =
        PrometheusText.parse(new String(metrics.scrape(), StandardCharsets.UTF_8));
    for (PrometheusText.Sample s : text.samples) {
      exported.computeIfAbsent(s.name(), k -> new HashSet<>()).addAll(s.labels().keySet());
    }
  }

  /** Every panel, those inside rows included. */
  private static List<JsonNode> panels() {
    List<JsonNode> all = new ArrayList<>();
    for (JsonNode p : dashboard.path("panels")) {
      all.add(p);
      p.path("panels").forEach(all::add);
    }
    return all;
  }

  /** The metric names a PromQL expression reads. */
  static Set<String> metricNames(String expr) {
    String s =
        expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"") // string literals
            .replaceAll("\\{[^}]*}", "") // label matchers
            .replaceAll("\\[[^]]*]", "") // range selectors
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      String word = m.group();
      boolean function = s.substring(m.end()).stripLeading().startsWith("(");
      if (!function && !PROMQL_WORDS.contains(word.toLowerCase())) {
        names.add(word);
      }
    }
    return names;
  }

  @Test
  void theExtractorFindsMetricsAndSkipsFunctionsAndLabels() {
    assertEquals(
        Set.of("vigil_result_latency_seconds_bucket"),
        metricNames(
            "histogram_quantile(0.99, sum by (stream, le) (rate("
                + "vigil_result_latency_seconds_bucket{stream=~\"$stream\"}[$__rate_interval])))"));
    assertEquals(
        Set.of("a_total", "b_total"),
        metricNames("sum(rate(a_total[5m])) / on (x) sum(b_total{y=\"c_total\"})"));
  }

  @Test
  void everyQueryReadsOnlyExportedMetricsAndTheirLabels() {
    int queries = 0;
    for (JsonNode panel : panels()) {
      if (panel.path("type").asText().equals("row")) {
        continue;
      }
      String title = panel.path("title").asText();
      assertFalse(panel.path("targets").isEmpty(), "panel without queries: " + title);
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        Set<String> names = metricNames(expr);
        assertFalse(names.isEmpty(), title + ": no metric in " + expr);
        for (String name : names) {
          assertTrue(
              exported.containsKey(name),
              title
                  + ": "
                  + name
                  + " is not exported; exported: "
                  + new TreeSet<>(exported.keySet()));
        }
        Matcher selector = SELECTOR.matcher(expr);
        while (selector.find()) {
          Matcher label = MATCHER.matcher(selector.group(2));
          while (label.find()) {
            assertTrue(
                exported.getOrDefault(selector.group(1), Set.of()).contains(label.group(1)),
                title + ": " + selector.group(1) + " has no label " + label.group(1));
          }
        }
        assertEquals(
            "${datasource}", target.path("datasource").path("uid").asText(), title + " target");
        queries++;
      }
      assertEquals("${datasource}", panel.path("datasource").path("uid").asText(), title);
    }
    assertTrue(queries >= 10, "only " + queries + " queries");
  }

  @Test
  void everyVigilMetricIsShown() {
    Set<String> shown = new HashSet<>();
    for (JsonNode panel : panels()) {
      for (JsonNode target : panel.path("targets")) {
        shown.addAll(metricNames(target.path("expr").asText()));
      }
    }
    Set<String> missing = new TreeSet<>();
    for (String name : exported.keySet()) {
      if (name.startsWith("vigil_") && !shown.contains(name) && !NOT_ON_DASHBOARD.contains(name)) {
        missing.add(name);
      }
    }
    // A summary's or histogram's _count/_sum stands for its family when the other is shown.
    missing.removeIf(
        n ->
            n.matches(".*_(count|sum)")
                && shown.stream().anyMatch(s -> s.startsWith(n.replaceAll("_(count|sum)$", "_"))));
    assertEquals(Set.of(), missing, "vigil metrics the dashboard does not show");
  }

  @Test
  void itIsAGrafanaDashboardWithAPrometheusDataSourceVariable() {
    assertEquals("vigil", dashboard.path("uid").asText());
    assertTrue(dashboard.path("schemaVersion").asInt() >= 36, "Grafana 10+ schema");
    JsonNode datasource = null;
    for (JsonNode v : dashboard.path("templating").path("list")) {
      if (v.path("name").asText().equals("datasource")) {
        datasource = v;
      }
    }
    assertTrue(datasource != null, "no datasource variable");
    assertEquals("datasource", datasource.path("type").asText());
    assertEquals("prometheus", datasource.path("query").asText());
    assertEquals("prometheus", datasource.path("current").path("value").asText());
    Set<Integer> ids = new HashSet<>();
    for (JsonNode p : panels()) {
      assertTrue(ids.add(p.path("id").asInt()), "duplicate panel id " + p.path("id"));
      JsonNode grid = p.path("gridPos");
      assertTrue(grid.path("x").asInt() + grid.path("w").asInt() <= 24, "too wide: " + p);
    }
  }
}

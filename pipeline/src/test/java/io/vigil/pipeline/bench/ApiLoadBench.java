package io.vigil.pipeline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.layer.Parameter;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.engine.tensor.Tensor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load on a running {@code vigil serve}: CLIENTS threads poll {@code GET /api/v1/streams} for
 * SECONDS, each as fast as it answers or, with POLL_MS, once every POLL_MS, while another thread
 * swaps the model every SWAP_MS (activating in turn the serving version and a copy of it with one
 * bias nudged by 1e-4, uploaded first). Prints the API's requests/s, latency percentiles and status
 * counts, the swaps, and the streams' frames, drops and capture-to-result latency over the load.
 * Exits 1 when any call got a 5xx or failed. With CLIENTS 0 it only swaps and reports the streams,
 * for a lighter load generator (wrk) to poll beside it: the line {@value #WINDOW_STARTS} says when
 * its window opens.
 *
 * <p>Usage: {@code ApiLoadBench BASE_URL TOKEN_FILE MODEL_FILE [SECONDS] [CLIENTS] [SWAP_MS]
 * [POLL_MS]}; run through {@code bench/service/load.sh}, which starts the service.
 */
public final class ApiLoadBench {

  static final String WINDOW_STARTS = "load window starts";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private final URI base;
  private final String token;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private ApiLoadBench(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println(
          "usage: ApiLoadBench BASE_URL TOKEN_FILE MODEL_FILE [SECONDS] [CLIENTS] [SWAP_MS]"
              + " [POLL_MS]");
      System.exit(2);
    }
    URI base = URI.create(args[0].endsWith("/") ? args[0] : args[0] + "/");
    String token = Files.readAllLines(Path.of(args[1])).get(0).strip();
    Path model = Path.of(args[2]);
    int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 60;
    int clients = args.length > 4 ? Integer.parseInt(args[4]) : 100;
    long swapMillis = args.length > 5 ? Long.parseLong(args[5]) : 2000;
    long pollMillis = args.length > 6 ? Long.parseLong(args[6]) : 0;
    System.exit(new ApiLoadBench(base, token).run(model, seconds, clients, swapMillis, pollMillis));
  }

  private int run(Path modelFile, int seconds, int clients, long swapMillis, long pollMillis)
      throws Exception {
    String first = json(send(get("api/v1/models"))).path("active").asText();
    String second = uploadNudged(modelFile);
    System.out.printf(
        Locale.ROOT, "versions swapped: %s <-> %s, every %d ms%n", first, second, swapMillis);

    JsonNode streamsBefore = json(send(get("api/v1/streams")));
    String metricsBefore = metricsText();
    long[][] latencies = new long[clients][];
    int[] counts = new int[clients];
    Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    LongAdder failures = new LongAdder();
    AtomicInteger swapsOk = new AtomicInteger();
    List<String> swapProblems = java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch start = new CountDownLatch(1);
    long[] window = new long[2];
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int id = c;
      latencies[id] = new long[4096];
      threads.add(
          new Thread(
              () -> {
                await(start);
                HttpRequest request = get("api/v1/streams");
                long end = window[1];
                long interval = pollMillis * 1_000_000;
                // Paced clients start spread over one interval, so they do not poll in step.
                long next = window[0] + (interval * id) / Math.max(1, clients);
                while (System.nanoTime() < end) {
                  if (interval > 0) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                      try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                    // A late client polls at once but does not burst to catch up.
                    next = Math.max(next + interval, System.nanoTime());
                  }
                  long t0 = System.nanoTime();
                  try {
                    HttpResponse<byte[]> r =
                        client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    long took = System.nanoTime() - t0;
                    statuses.computeIfAbsent(r.statusCode(), k -> new LongAdder()).increment();
                    if (counts[id] == latencies[id].length) {
                      latencies[id] = Arrays.copyOf(latencies[id], counts[id] * 2);
                    }
                    latencies[id][counts[id]++] = took;
                  } catch (IOException e) {
                    failures.increment();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                  }
                }
              },
              "api-client-" + id));
    }
    Thread swapper =
        new Thread(
            () -> {
              await(start);
              String next = second;
              while (System.nanoTime() + swapMillis * 1_000_000 < window[1]) {
                try {
                  Thread.sleep(swapMillis);
                  HttpResponse<byte[]> r = send(post("api/v1/models/" + next + "/activate"));
                  if (r.statusCode() == 200) {
                    swapsOk.incrementAndGet();
                    next = next.equals(second) ? first : second;
                  } else {
                    swapProblems.add(r.statusCode() + " " + new String(r.body()));
                  }
                } catch (IOException e) {
                  swapProblems.add(e.toString());
                } catch (InterruptedException e) {
                  return;
                }
              }
              // Leave the service on the version it started with.
              if (!next.equals(second)) {
                try {
                  send(post("api/v1/models/" + first + "/activate"));
                } catch (IOException | InterruptedException e) {
                  swapProblems.add("restoring " + first + ": " + e);
                }
              }
            },
            "api-swapper");
    threads.forEach(Thread::start);
    swapper.start();
    window[0] = System.nanoTime();
    window[1] = window[0] + seconds * 1_000_000_000L;
    System.out.println(WINDOW_STARTS);
    System.out.flush();
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    long left = window[1] - System.nanoTime();
    if (left > 0) {
      // No polling clients of our own: the window is the other load generator's.
      Thread.sleep(left / 1_000_000);
    }
    double elapsed = (System.nanoTime() - window[0]) / 1e9;
    swapper.join();
    JsonNode streamsAfter = json(send(get("api/v1/streams")));
    String metricsAfter = metricsText();

    long[] all = concat(latencies, counts);
    Arrays.sort(all);
    long fivexx =
        statuses.entrySet().stream()
            .filter(e -> e.getKey() >= 500)
            .mapToLong(e -> e.getValue().sum())
            .sum();
    Map<Integer, Long> byStatus = new TreeMap<>();
    statuses.forEach((k, v) -> byStatus.put(k, v.sum()));
    if (clients > 0) {
      printApi(clients, pollMillis, elapsed, all, byStatus, fivexx, failures.sum());
    }
    System.out.printf(
        Locale.ROOT,
        "swaps: %d done%s%n",
        swapsOk.get(),
        swapProblems.isEmpty() ? "" : ", problems: " + swapProblems);
    reportStreams(streamsBefore, streamsAfter);
    if (metricsBefore != null && metricsAfter != null) {
      LatencyWindow.print(metricsBefore, metricsAfter);
    } else {
      System.out.println(
          "stream latency over the load window: /metrics not served, cumulative figures above only");
    }
    return fivexx == 0 && failures.sum() == 0 ? 0 : 1;
  }

  private static void printApi(
      int clients,
      long pollMillis,
      double elapsed,
      long[] all,
      Map<Integer, Long> byStatus,
      long fivexx,
      long failures) {
    System.out.printf(
        Locale.ROOT,
        "API: %d clients polling GET /api/v1/streams %s for %.1f s: %d requests, %.0f requests/s%n",
        clients,
        pollMillis > 0 ? "every " + pollMillis + " ms" : "as fast as answered",
        elapsed,
        all.length,
        all.length / elapsed);
    System.out.printf(
        Locale.ROOT,
        "API latency: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
        quantile(all, 0.50),
        quantile(all, 0.90),
        quantile(all, 0.99),
        all.length == 0 ? Double.NaN : all[all.length - 1] / 1e6);
    System.out.printf(
        Locale.ROOT, "statuses: %s; 5xx: %d; failed calls: %d%n", byStatus, fivexx, failures);
  }

  private static void reportStreams(JsonNode before, JsonNode after) {
    long in = after.path("framesIn").asLong() - before.path("framesIn").asLong();
    long out = after.path("framesOut").asLong() - before.path("framesOut").asLong();
    long dropped = after.path("dropped").asLong() - before.path("dropped").asLong();
    double worstP99 = 0;
    String worst = "";
    for (JsonNode s : after.path("streams")) {
      double p99 = s.path("latency").path("p99").asDouble(Double.NaN);
      if (p99 > worstP99) {
        worstP99 = p99;
        worst = s.path("id").asText();
      }
    }
    System.out.printf(
        Locale.ROOT,
        "streams: %d; during the load %d frames in, %d out, %d dropped; since start: latency p99"
            + " %.1f ms over all streams, worst stream %s %.1f ms%n",
        after.path("streams").size(),
        in,
        out,
        dropped,
        after.path("latency").path("p99").asDouble(Double.NaN),
        worst,
        worstP99);
  }

  private String metricsText() throws IOException, InterruptedException {
    HttpResponse<byte[]> r = send(get("metrics"));
    return r.statusCode() == 200
        ? new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)
        : null;
  }

  /** Uploads a copy of the model with one bias nudged (another version, the same answers). */
  private String uploadNudged(Path modelFile) throws IOException, InterruptedException {
    Model m = ModelFile.load(modelFile);
    List<Parameter> params = m.network().parameters();
    Tensor bias = params.get(params.size() - 1).value();
    Backend backend = bias.owner();
    float[] values = new float[bias.size()];
    backend.download(bias, 0, values, 0, values.length);
    values[0] += 1e-4f;
    backend.upload(values, 0, bias, 0, values.length);
    Model nudged = Model.create(m.name(), m.network(), m.input(), m.classNames(), m.provenance());
    Path file = Files.createTempFile("vigil-load-", ModelFile.EXTENSION);
    try {
      ModelFile.save(nudged, file);
      HttpResponse<byte[]> r =
          send(
              authorized(base.resolve("api/v1/models"))
                  .POST(HttpRequest.BodyPublishers.ofFile(file))
                  .header("Content-Type", "application/octet-stream")
                  .build());
      if (r.statusCode() != 201 && r.statusCode() != 200) {
        throw new IOException(
            "uploading the second version: " + r.statusCode() + " " + new String(r.body()));
      }
      return json(r).path("version").asText();
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(CALL_TIMEOUT).GET().build();
  }

  private HttpRequest post(String path) {
    return authorized(base.resolve(path)).POST(HttpRequest.BodyPublishers.noBody()).build();
  }

  private HttpRequest.Builder authorized(URI uri) {
    return HttpRequest.newBuilder(uri)
        .timeout(CALL_TIMEOUT)
        .header("Authorization", "Bearer " + token);
  }

  private HttpResponse<byte[]> send(HttpRequest r) throws IOException, InterruptedException {
    return client.send(r, HttpResponse.BodyHandlers.ofByteArray());
  }

  private static JsonNode json(HttpResponse<byte[]> r) throws IOException {
    if (r.statusCode() / 100 != 2) {
      throw new IOException(r.uri() + ": " + r.statusCode() + " " + new String(r.body()));
    }
    return JSON.readTree(r.body());
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long[] concat(long[][] parts, int[] counts) {
    long[] all = new long[Arrays.stream(counts).sum()];
    int at = 0;
    for (int i = 0; i < parts.length; i++) {
      System.arraycopy(parts[i], 0, all, at, counts[i]);
      at += counts[i];
    }
    return all;
  }

  /** The q-quantile of sorted nanosecond values, in milliseconds (nearest rank). */
  private static double quantile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, rank - 1)] / 1e6;
  }
}

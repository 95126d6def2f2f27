package io.vigil.pipeline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.pipeline.analyze.TestModels;
import io.vigil.pipeline.cli.ServiceFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in headless Chromium against the whole of {@code vigil serve} in this JVM (the real
 * pipeline on the looped sample clip, the control plane, every API route): the sample stream's
 * frames, charts and accuracy move; a version uploaded beside the shipped one is activated and
 * rolled back from the page, the token entered once, both swaps showing on the timeline; a clip is
 * uploaded; a frame the model doubted is labeled with one click.
 */
class DashboardOnServiceTest {

  @TempDir static Path dir;

  private static ServiceFixture service;
  private static Browser browser;
  private static WebDriverWait wait;
  private static String uploaded;
  private static String shipped;

  @BeforeAll
  static void start() throws Exception {
    // The sample stream with its true labels, so that accuracy over time has something to show.
    Path sample = Path.of("../samples/fashion-clip.mp4").toAbsolutePath().normalize();
    service =
        ServiceFixture.start(
            dir,
            "vigil.run.streams = [ { id = \"fashion\", file = \""
                + sample
                + "\", loop = true, fps = 100, labels = \""
                + sample.resolveSibling("fashion-clip.mp4.labels.csv")
                + "\" } ]");
    shipped = service.getJson("/api/v1/models").get("active").asText();
    uploaded = upload(TestModels.untrained());
    assertNotEquals(shipped, uploaded);
    browser = new Browser(1400, 2000);
    wait = new WebDriverWait(browser.driver, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      service.close();
    }
  }

  private static String upload(Model model) throws Exception {
    Path file = dir.resolve("uploaded.vgl");
    ModelFile.save(model, file);
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(base() + "/api/v1/models"))
                    .header("Authorization", "Bearer " + ServiceFixture.TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofFile(file))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(201, r.statusCode(), r.body());
    return new ObjectMapper().readTree(r.body()).get("version").asText();
  }

  private static String base() {
    return service.base();
  }

  private static JavascriptExecutor js() {
    return browser.driver;
  }

  @Test
  void framesChartsActivationAndRollbackOnTheRealService() throws Exception {
    browser.driver.get(base() + "/");
    WebElement card =
        wait.until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector(".card[data-stream='fashion']")));

    // Live frames: the MJPEG image loads and what it shows changes.
    WebElement img = card.findElement(By.cssSelector("img.live"));
    wait.until(
        d -> ((Number) js().executeScript("return arguments[0].naturalWidth", img)).intValue() > 0);
    Object first = js().executeScript(DashboardBrowserTest.PIXEL_HASH, img);
    wait.until(d -> !first.equals(js().executeScript(DashboardBrowserTest.PIXEL_HASH, img)));

    // Charts: samples arrive once a second.
    WebElement throughput = card.findElement(By.cssSelector(".chart [data-points]"));
    wait.until(d -> points(throughput) >= 2);
    int before = points(throughput);
    wait.until(d -> points(throughput) > before);
    WebElement fps = card.findElement(By.cssSelector("[data-stat='frames/s']"));
    wait.until(d -> !fps.getText().equals("—") && Double.parseDouble(fps.getText()) > 0);
    wait.until(ExpectedConditions.textToBe(By.id("active-version"), "model " + shipped));
    wait.until(ExpectedConditions.textToBe(By.id("ready"), "ready"));

    // Accuracy against the sample's labels: the shipped model gets about 91 % of its frames.
    WebElement accuracy = card.findElement(By.cssSelector("[data-stat='accuracy']"));
    wait.until(d -> accuracy.isDisplayed() && accuracy.getText().endsWith("%"));
    int percent = Integer.parseInt(accuracy.getText().replace("%", ""));
    assertTrue(percent >= 70 && percent <= 100, "accuracy of the shipped model: " + percent + "%");
    WebElement accuracyChart = card.findElements(By.cssSelector(".chart [data-points]")).get(2);
    assertTrue(accuracyChart.isDisplayed() && points(accuracyChart) > 0);
    browser.screenshot("service-dashboard");

    // Activate the uploaded version: the token is asked for once.
    browser.click(
        wait, By.cssSelector("#versions tr[data-version='" + uploaded + "'] button.activate"));
    WebElement dialog =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token-dialog")));
    dialog.findElement(By.id("token-input")).sendKeys(ServiceFixture.TOKEN);
    dialog.findElement(By.id("token-ok")).click();
    wait.until(ExpectedConditions.textToBe(By.id("active-version"), "model " + uploaded));
    wait.until(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#timeline li[data-type='Swapped'][data-kind='swap']")));

    // Roll back: no second question for the token.
    browser.driver.findElement(By.id("rollback")).click();
    wait.until(ExpectedConditions.textToBe(By.id("active-version"), "model " + shipped));
    // The timeline is redrawn on every refresh: wait on what is found anew each time.
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("#timeline li[data-kind='rollback']"), uploaded + " → " + shipped));
    assertEquals(shipped, service.getJson("/api/v1/models").get("active").asText());
    browser.screenshot("service-rollback");

    // A rollback with nothing left to roll back to: the API's message is shown.
    browser.driver.findElement(By.id("rollback")).click();
    WebElement error =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".toast.error")));
    assertTrue(error.getText().startsWith("409: "), error.getText());
    assertEquals(shipped, service.getJson("/api/v1/models").get("active").asText());

    // Upload a labeled clip of the new scene: the inbox takes it and the timeline says so.
    browser.driver.findElement(By.id("upload-clip")).click();
    WebElement upload =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("upload-dialog")));
    Path clip = Path.of("../samples/retrain/night-1.mp4").toAbsolutePath().normalize();
    upload.findElement(By.id("upload-video")).sendKeys(clip.toString());
    upload
        .findElement(By.id("upload-labels"))
        .sendKeys(clip.resolveSibling("night-1.mp4.labels.csv").toString());
    upload.findElement(By.id("upload-ok")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("toasts"), "(2000 frames) queued for training"));
    new WebDriverWait(browser.driver, Duration.ofSeconds(60))
        .until(
            ExpectedConditions.presenceOfElementLocated(
                By.xpath(
                    "//ol[@id='timeline']/li[@data-type='ClipsArrived'][contains(., 'upload-')]")));
    browser.screenshot("service-clip-uploaded");

    // Label a frame the model was least sure of, with one click; the service counts it.
    WebElement item =
        new WebDriverWait(browser.driver, Duration.ofSeconds(60))
            .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".label-item")));
    String id = item.getAttribute("data-item");
    wait.until(
        d ->
            ((Number)
                        js().executeScript(
                                "return arguments[0].querySelector('img').naturalWidth", item))
                    .intValue()
                == 28);
    browser.screenshot("service-labeling");
    int labeledBefore = service.getJson("/api/v1/labeling").get("labeled").asInt();
    item.findElements(By.cssSelector("button.label")).get(0).click();
    wait.until(ExpectedConditions.stalenessOf(item));
    assertEquals(labeledBefore + 1, service.getJson("/api/v1/labeling").get("labeled").asInt());
    assertTrue(
        browser
            .driver
            .findElements(By.cssSelector(".label-item[data-item='" + id + "']"))
            .isEmpty(),
        "a labeled frame leaves the panel");
  }

  private static int points(WebElement chart) {
    String p = chart.getAttribute("data-points");
    return p == null ? 0 : Integer.parseInt(p);
  }
}

package io.vigil.pipeline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (headless Chromium) against its routes and a stand-in API: live
 * frames and charts move, a rollback goes through after the token is entered, a refused token is
 * asked for again with the API's message, and labeling takes one click per frame. Screenshots land
 * in {@code target/dashboard-screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

  private static DashboardServer server;
  private static Browser browser;
  private static WebDriverWait wait;

  /** Hashes what an image shows now, by drawing it into a canvas. */
  static final String PIXEL_HASH =
      "const img = arguments[0];"
          + "const c = document.createElement('canvas');"
          + "c.width = img.naturalWidth; c.height = img.naturalHeight;"
          + "const g = c.getContext('2d'); g.drawImage(img, 0, 0);"
          + "const d = g.getImageData(0, 0, c.width, c.height).data;"
          + "let h = 0; for (let i = 0; i < d.length; i += 3) h = (h * 31 + d[i]) | 0;"
          + "return h;";

  @BeforeAll
  static void open() throws Exception {
    server = new DashboardServer();
    browser = new Browser(1400, 2000);
    wait = new WebDriverWait(browser.driver, Duration.ofSeconds(20));
    browser.driver.get(server.base() + "/");
  }

  @AfterAll
  static void close() throws Exception {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      server.close();
    }
  }

  private static JavascriptExecutor js() {
    return browser.driver;
  }

  private static WebElement card(String stream) {
    return wait.until(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector(".card[data-stream='" + stream + "']")));
  }

  @Test
  @Order(1)
  void liveFramesOfEveryStreamMoveOn() throws Exception {
    for (String stream : List.of("cam1", "cam2")) {
      WebElement img = card(stream).findElement(By.cssSelector("img.live"));
      wait.until(
          d ->
              ((Number) js().executeScript("return arguments[0].naturalWidth", img)).intValue()
                  > 0);
      assertEquals(
          280L, js().executeScript("return arguments[0].naturalWidth", img), "the enlarged frame");
      Object first = js().executeScript(PIXEL_HASH, img);
      wait.until(d -> !first.equals(js().executeScript(PIXEL_HASH, img)));
    }
  }

  @Test
  @Order(2)
  void chartsAndFiguresUpdate() throws Exception {
    WebElement cam1 = card("cam1");
    WebElement throughput = cam1.findElements(By.cssSelector(".chart [data-points]")).get(0);
    wait.until(d -> points(throughput) >= 2);
    int before = points(throughput);
    wait.until(d -> points(throughput) > before);
    assertEquals(3, cam1.findElements(By.cssSelector(".chart canvas")).size(), "three charts");
    WebElement accuracy = cam1.findElements(By.cssSelector(".chart")).get(2);
    assertTrue(accuracy.isDisplayed(), "cam1 has labels: its accuracy chart shows");
    WebElement cam2Accuracy = card("cam2").findElements(By.cssSelector(".chart")).get(2);
    wait.until(d -> !cam2Accuracy.isDisplayed());
    WebElement fps = cam1.findElement(By.cssSelector("[data-stat='frames/s']"));
    wait.until(d -> !fps.getText().equals("—"));
    // A figure, not a timing: the history's own test checks the rates.
    assertTrue(Double.parseDouble(fps.getText()) > 0, "frames/s: " + fps.getText());
    wait.until(
        ExpectedConditions.numberOfElementsToBeMoreThan(
            By.cssSelector("#timeline li[data-type]"), 4));
    wait.until(ExpectedConditions.textToBe(By.id("active-version"), "model v3"));
    wait.until(ExpectedConditions.textToBe(By.id("trainer-state"), "idle"));
    browser.screenshot("dashboard");
  }

  @Test
  @Order(3)
  void aRollbackAsksForTheTokenOnceAndShowsOnTheTimeline() throws Exception {
    browser.driver.findElement(By.id("rollback")).click();
    WebElement dialog =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token-dialog")));
    browser.screenshot("token-dialog");
    dialog.findElement(By.id("token-input")).sendKeys(FakeServiceRoutes.TOKEN);
    dialog.findElement(By.id("token-ok")).click();
    wait.until(ExpectedConditions.textToBe(By.id("active-version"), "model v2"));
    assertEquals(List.of("v3->v2"), server.api.rollbacks);
    // The timeline is redrawn on every refresh: wait on what is found anew each time.
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("#timeline li[data-kind='rollback']"), "v3 → v2"));
    wait.until(
        ExpectedConditions.attributeContains(
            By.cssSelector("#versions tr[data-version='v2']"), "class", "active"));
    assertEquals(
        FakeServiceRoutes.TOKEN,
        js().executeScript("return sessionStorage.getItem('vigil.token')"),
        "the token is kept for the tab");
    browser.screenshot("rollback");
  }

  @Test
  @Order(4)
  void aRefusedTokenIsAskedForAgainAndApiErrorsShowTheirMessage() throws Exception {
    js().executeScript("sessionStorage.setItem('vigil.token', 'not-the-token-at-all')");
    browser.click(wait, By.cssSelector("#versions tr[data-version='v3'] button.activate"));
    WebElement dialog =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token-dialog")));
    wait.until(ExpectedConditions.textToBePresentInElement(dialog, "the bearer token is wrong"));
    dialog.findElement(By.id("token-input")).sendKeys(FakeServiceRoutes.TOKEN);
    dialog.findElement(By.id("token-ok")).click();
    wait.until(ExpectedConditions.textToBe(By.id("active-version"), "model v3"));
    wait.until(
        ExpectedConditions.presenceOfElementLocated(
            By.xpath("//ol[@id='timeline']/li[span[.='swapped v2 → v3']]")));
    assertEquals(
        1,
        browser
            .driver
            .findElements(By.xpath("//ol[@id='timeline']/li[span[.='swapped v2 → v3']]"))
            .size(),
        "the activation shows once, however many refreshes fetched it");

    // The stand-in refuses v1 as the service would refuse a version that fails its check.
    browser.click(wait, By.cssSelector("#versions tr[data-version='v1'] button.activate"));
    WebElement error =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".toast.error")));
    assertTrue(error.getText().contains(FakeServiceRoutes.REFUSED), error.getText());
    assertTrue(error.getText().startsWith("409"), error.getText());
    browser.screenshot("api-error");
  }

  @Test
  @Order(5)
  void labelingTakesOneClickPerFrameAndSendsTheLabels() throws Exception {
    WebElement first =
        wait.until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector(".label-item[data-item='cam1-000004']")));
    wait.until(
        d ->
            ((Number)
                        js().executeScript(
                                "return arguments[0].querySelector('img').naturalWidth", first))
                    .intValue()
                == 28);
    browser.screenshot("labeling");
    first.findElements(By.cssSelector("button.label")).stream()
        .filter(b -> b.getText().equals("Sneaker"))
        .findFirst()
        .orElseThrow()
        .click();
    wait.until(ExpectedConditions.stalenessOf(first));
    assertEquals(List.of("cam1-000004=Sneaker"), server.api.labeled);
    WebElement second =
        browser.driver.findElement(By.cssSelector(".label-item[data-item='cam1-000009']"));
    second.findElement(By.cssSelector("button.skip")).click();
    wait.until(ExpectedConditions.stalenessOf(second));
    assertEquals(1, server.api.labeled.size(), "a skip labels nothing");
    browser.driver.findElement(By.id("labeling-submit")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("toasts"), "sent as labeled-test.mp4"));
  }

  @Test
  @Order(6)
  void aClipIsUploadedAsVideoAndLabels(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path video = Files.writeString(dir.resolve("night.mp4"), "VIDEO-BYTES");
    java.nio.file.Path labels =
        Files.writeString(
            dir.resolve("night.mp4.labels.csv"), "frame,label,class_name\n0,7,Sneaker\n");
    browser.driver.findElement(By.id("upload-clip")).click();
    WebElement dialog =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("upload-dialog")));
    dialog.findElement(By.id("upload-video")).sendKeys(video.toString());
    dialog.findElement(By.id("upload-labels")).sendKeys(labels.toString());
    dialog.findElement(By.id("upload-ok")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("toasts"), "clip clip-test.mp4 (3 frames) queued for training"));
    assertEquals(1, server.api.uploads.size());
    String body = server.api.uploads.get(0);
    assertTrue(
        body.contains("name=\"video\"") && body.contains("VIDEO-BYTES"), "the video part: " + body);
    assertTrue(
        body.contains("name=\"labels\"") && body.contains("0,7,Sneaker"),
        "the labels part: " + body);
  }

  @Test
  @Order(7)
  void theLayoutFitsANarrowScreen() throws Exception {
    browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(420, 1400));
    wait.withMessage(
            () ->
                "elements wider than the window: "
                    + js().executeScript(
                            "return innerWidth + ' ' + [...document.querySelectorAll('body *')]"
                                + ".filter(e => e.getBoundingClientRect().right > innerWidth + 1)"
                                + ".slice(0, 8).map(e => e.tagName + '.' + e.className + ':'"
                                + " + Math.round(e.getBoundingClientRect().right)).join(', ')"))
        .until(
            d ->
                (Boolean)
                    js().executeScript(
                            "return document.documentElement.scrollWidth <= window.innerWidth"));
    // Each chart shrank to its card (uPlot draws at a fixed width until told another).
    wait.until(
        d ->
            (Boolean)
                js().executeScript(
                        "return [...document.querySelectorAll('.chart')].every("
                            + "c => c.hidden || c.querySelector('.uplot').offsetWidth <= c.clientWidth)"));
    WebElement card = card("cam1");
    assertTrue(card.getSize().getWidth() <= 420, "a card fits: " + card.getSize());
    assertTrue(Files.size(browser.screenshot("narrow")) > 10_000);
    assertFalse(browser.driver.findElement(By.id("no-streams")).isDisplayed());
  }

  private static int points(WebElement chart) {
    String p = chart.getAttribute("data-points");
    return p == null ? 0 : Integer.parseInt(p);
  }
}

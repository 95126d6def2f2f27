package io.vigil.pipeline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.pipeline.cli.ServiceFixture;
import io.vigil.pipeline.video.LabelSidecar;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The loop the labeling panel closes, in a real browser on the whole service: a scene turns to its
 * negative, the model grows unsure, a person labels the frames it is least sure of with one click
 * each, the labels go to the inbox as a clip, the trainer fine-tunes, the gate passes, and the swap
 * shows on the dashboard's timeline.
 */
class LabelingInTheBrowserTest {

  private static final Path SCENE =
      Path.of("../samples/retrain/scene-change.mp4").toAbsolutePath().normalize();

  @TempDir Path dir;

  @Test
  void labelsClickedOnTheDashboardTrainAVersionThatIsSwappedIn() throws Exception {
    int[] truth = LabelSidecar.read(LabelSidecar.pathFor(SCENE));
    try (ServiceFixture service =
            ServiceFixture.start(
                dir,
                String.join(
                    "\n",
                    "vigil.run.streams = [ { id = \"scene\", file = \""
                        + SCENE
                        + "\", loop = true, fps = 100 } ]",
                    // As config/serve.conf: gentle enough for ~100 labeled frames to pass the gate.
                    "vigil.retrain.fine-tune { learning-rate = 0.0002, replay-ratio = 4.0, epochs = 30 }"));
        Browser browser = new Browser(1400, 2000)) {
      List<String> classes = service.context().classNames();
      String before = service.getJson("/api/v1/models").get("active").asText();
      WebDriverWait wait = new WebDriverWait(browser.driver, Duration.ofSeconds(60));
      browser.driver.get(service.base() + "/");
      wait.until(ExpectedConditions.textToBe(By.id("active-version"), "model " + before));

      // A person at the dashboard labels what the panel offers until a clip has gone out.
      boolean tokenGiven = false;
      int clicks = 0;
      WebDriverWait labeling = new WebDriverWait(browser.driver, Duration.ofSeconds(240));
      while (service.getJson("/api/v1/labeling").get("clipsSent").asInt() == 0) {
        WebElement item =
            labeling.until(
                ExpectedConditions.presenceOfElementLocated(By.cssSelector(".label-item")));
        String label;
        try {
          // The picture's alt text names the frame: "frame N of scene".
          String alt = item.findElement(By.tagName("img")).getAttribute("alt");
          long frame = Long.parseLong(alt.split(" ")[1]);
          label = classes.get(truth[(int) (frame % truth.length)]);
          item.findElement(By.xpath(".//button[text()='" + label + "']")).click();
        } catch (StaleElementReferenceException refreshed) {
          continue; // the panel was redrawn under the click: take the next item
        }
        if (!tokenGiven) {
          WebElement dialog =
              wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token-dialog")));
          dialog.findElement(By.id("token-input")).sendKeys(ServiceFixture.TOKEN);
          dialog.findElement(By.id("token-ok")).click();
          tokenGiven = true;
        }
        wait.until(ExpectedConditions.stalenessOf(item));
        clicks++;
      }
      assertTrue(clicks >= 100, "a clip takes 100 labels: " + clicks + " clicks");
      browser.screenshot("labeling-sent");

      // The trainer runs, the gate passes, the new version is swapped in: all on the page.
      WebDriverWait training = new WebDriverWait(browser.driver, Duration.ofSeconds(300));
      training.until(
          ExpectedConditions.presenceOfElementLocated(
              By.cssSelector("#trainer-history tr[data-outcome='passed']")));
      training.until(
          ExpectedConditions.presenceOfElementLocated(
              By.cssSelector("#timeline li[data-type='Swapped'][data-kind='swap']")));
      JsonNode trainer = service.getJson("/api/v1/trainer");
      String candidate = trainer.get("history").get(0).get("candidate").asText();
      assertNotEquals(before, candidate);
      wait.until(ExpectedConditions.textToBe(By.id("active-version"), "model " + candidate));
      assertEquals(candidate, service.getJson("/api/v1/models").get("active").asText());
      browser.screenshot("labeling-swapped");
    }
  }
}

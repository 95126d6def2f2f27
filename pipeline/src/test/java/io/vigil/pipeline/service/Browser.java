package io.vigil.pipeline.service;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium driven through Debian's chromedriver, headless, with a fresh profile: nothing
 * is downloaded (the driver's path is given, so Selenium Manager is never asked for one) and
 * nothing is skipped (a missing browser fails the test, naming the packages to install).
 */
final class Browser implements AutoCloseable {

  /** Where Debian's packages put them; {@code -Dvigil.chromium=...} and so on to use others. */
  static final Path CHROMIUM = Path.of(System.getProperty("vigil.chromium", "/usr/bin/chromium"));

  static final Path CHROMEDRIVER =
      Path.of(System.getProperty("vigil.chromedriver", "/usr/bin/chromedriver"));

  /** Where screenshots go, under the module's build folder. */
  static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");

  final ChromeDriver driver;
  private final Path profile;

  Browser(int width, int height) throws IOException {
    assertTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "the browser tests need Chromium and its driver at "
            + CHROMIUM
            + " and "
            + CHROMEDRIVER
            + ": install the Debian packages chromium and chromium-driver");
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    profile = Files.createTempDirectory("vigil-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--user-data-dir=" + profile,
        "--window-size=" + width + "," + height);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
  }

  /** Saves what the browser shows as {@code target/dashboard-screenshots/NAME.png}. */
  Path screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Path to = SCREENSHOTS.resolve(name + ".png");
    File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
    return to;
  }

  /**
   * Clicks what {@code by} finds once it is clickable, finding it again if the page redrew it in
   * between (the versions table, the timeline and the trainer's runs are redrawn on every refresh).
   */
  public void click(org.openqa.selenium.support.ui.WebDriverWait wait, org.openqa.selenium.By by) {
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(
            d -> {
              org.openqa.selenium.WebElement e = d.findElement(by);
              if (!e.isDisplayed() || !e.isEnabled()) {
                return false;
              }
              e.click();
              return true;
            });
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }
}

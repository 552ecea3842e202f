package dev.sluice.console;

import dev.sluice.testsupport.TempDirs;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's chromium driven through Debian's chromedriver, with the flags this machine needs (no
 * sandbox as root, no attempts to reach the closed network) and a fresh profile each time.
 */
final class HeadlessChromium implements AutoCloseable {

    final ChromeDriver driver;
    private final Path profile;
    private final Path screenshots;

    private HeadlessChromium(ChromeDriver driver, Path profile, Path screenshots) {
        this.driver = driver;
        this.profile = profile;
        this.screenshots = screenshots;
    }

    /** Why browser tests cannot run here, or null when chromium and chromedriver are both found. */
    static String missing() {
        File chromium = find(System.getProperty("sluice.chromium"), "chromium", "/usr/bin/chromium");
        File chromedriver = find(System.getProperty("sluice.chromedriver"), "chromedriver", "/usr/bin/chromedriver");
        if (chromium != null && chromedriver != null) {
            return null;
        }
        return "browser tests skipped: " + (chromium == null ? "no chromium" : "no chromedriver") + " found "
                + "(Debian's packages chromium and chromium-driver: apt-get install -y chromium chromium-driver; "
                + ".ci/run installs them)";
    }

    /** Starts a browser, or skips the calling test saying what is missing. */
    static HeadlessChromium startOrSkip(Path screenshots) {
        String missing = missing();
        Assumptions.assumeTrue(missing == null, missing);
        File chromium = find(System.getProperty("sluice.chromium"), "chromium", "/usr/bin/chromium");
        File chromedriver = find(System.getProperty("sluice.chromedriver"), "chromedriver", "/usr/bin/chromedriver");
        try {
            Path profile = Files.createTempDirectory("sluice-console-chromium-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(chromium);
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1280,860", "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver)
                    .usingAnyFreePort().build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            Files.createDirectories(screenshots);
            return new HeadlessChromium(driver, profile, screenshots);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The given path (-Dsluice.chromium, -Dsluice.chromedriver) alone if set, else Debian's, else on PATH. */
    private static File find(String given, String command, String usual) {
        if (given != null) {
            File f = new File(given);
            return f.canExecute() ? f : null;
        }
        File f = new File(usual);
        if (f.canExecute()) {
            return f;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File candidate = new File(dir, command);
            if (candidate.canExecute()) {
                return candidate;
            }
        }
        return null;
    }

    /** Saves what the page shows now as {@code <name>.png}. */
    Path screenshot(String name) {
        try {
            Path file = screenshots.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        dev.sluice.testsupport.TempDirs.deleteRecursively(profile);
    }
}

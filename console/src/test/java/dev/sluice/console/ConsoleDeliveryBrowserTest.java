package dev.sluice.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.model.Topics;
import dev.sluice.runtime.KafkaSettings;
import dev.sluice.sink.SinkService;
import dev.sluice.sink.forwarder.SegmentForConsole;
import dev.sluice.testsupport.SharedKafka;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The path in a real browser: events sent through the real ingest API, routed by the real
 * router, delivered by the real forwarder to the Segment stand-in, which refuses a poison event with a
 * 400. The console shows the events in Live, the poison event in the DLQ with its reason; once the
 * stand-in is fixed, a redrive from the page delivers it, and the Event view says so. Then a replay.
 */
class ConsoleDeliveryBrowserTest {

    private static final String TOKEN = "delivery-test-token-0123456789";
    private static final String WRITE_KEY = "wk-delivery";
    private static final String GROUP = "sluice-sink-forwarder";
    private static final Path SHOTS = Path.of("target", "screenshots");

    private static HeadlessChromium browser;
    private static SegmentForConsole segment;
    private static IngestAndRouter pipeline;
    private static SinkService forwarder;
    private static Console console;

    @BeforeAll
    static void start() throws Exception {
        if (HeadlessChromium.missing() != null) {
            System.err.println("ConsoleDeliveryBrowserTest: " + HeadlessChromium.missing());
            return;
        }
        browser = HeadlessChromium.startOrSkip(SHOTS);
        segment = new SegmentForConsole("seg-shop");
        pipeline = IngestAndRouter.start("d", WRITE_KEY, Map.of(
                "SLUICE_FORWARD_URL", segment.url(),
                "SLUICE_FORWARD_WRITE_KEYS", "shop=seg-shop",
                "SLUICE_SINK_BACKOFF_BASE", "PT0.05S",
                "SLUICE_SINK_BACKOFF_MAX", "PT1S",
                "SLUICE_SINK_SESSION_TIMEOUT", "PT6S"));
        Topics topics = pipeline.topics();
        forwarder = SegmentForConsole.startForwarder(pipeline.env());
        console = Console.start(new ConsoleConfig(new KafkaSettings(SharedKafka.bootstrapServers(), topics, 1, 1),
                "127.0.0.1", 0, TOKEN, 100, 1000));
    }

    @AfterAll
    static void stop() {
        IngestAndRouter.closeAll(browser, console, forwarder, pipeline, segment);
    }

    private static void send(String body) throws Exception {
        HttpResponse<String> r = pipeline.send(body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    /** Waits ignoring elements the page replaced meanwhile: it re-renders whenever the delivery log moves. */
    private static WebDriverWait waitUpTo(int seconds) {
        WebDriverWait wait = new WebDriverWait(browser.driver, Duration.ofSeconds(seconds));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    /** The text of an element found afresh (the page may have re-rendered since the last look). */
    private static String text(By by) {
        return waitUpTo(10).until(d -> d.findElement(by).getText());
    }

    /** Clicks an element found afresh; retried only when the page replaced it before the click landed. */
    private static void click(By by) {
        waitUpTo(10).until(d -> {
            d.findElement(by).click();
            return true;
        });
    }

    private static String page(String hash) {
        return "http://localhost:" + console.port() + "/" + hash;
    }

    @Test
    void aRefusedEventIsFoundInTheDlqRedrivenFromThePageAndSeenDelivered() throws Exception {
        Assumptions.assumeTrue(browser != null, HeadlessChromium.missing());
        var driver = browser.driver;
        Instant before = Instant.now().minusSeconds(5);

        driver.get(page(""));
        waitUpTo(10).until(ExpectedConditions.urlContains("/login"));
        driver.findElement(By.id("token")).sendKeys(TOKEN);
        driver.findElement(By.cssSelector("#login button")).click();
        waitUpTo(10).until(ExpectedConditions.textToBe(By.id("live-status"), "live"));

        // Live: they arrive
        send("{\"batch\":[{\"type\":\"track\",\"event\":\"Order Completed\",\"userId\":\"u-1\",\"messageId\":\"m-good\"},"
                + "{\"type\":\"track\",\"event\":\"Broken\",\"userId\":\"u-1\",\"messageId\":\"m-poison\","
                + "\"properties\":{\"poison\":true}}]}");
        waitUpTo(30).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#live-table tbody tr[data-message-id='m-poison']")));
        waitUpTo(30).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#live-table tbody tr[data-message-id='m-good']")));

        // Event: m-good delivered to Segment, with its latency; m-poison dead-lettered with Segment's reason
        driver.get(page("#event/m-good"));
        waitUpTo(60).until(d -> d.findElements(By.cssSelector("li.delivery[data-group='" + GROUP
                + "'][data-outcome='delivered']")).size() == 1);
        assertThat(text(By.cssSelector("li.delivery"))).contains("delivered at").contains("latency");
        browser.screenshot("event-destinations");
        driver.get(page("#event/m-poison"));
        waitUpTo(60).until(d -> d.findElements(By.cssSelector("li.delivery[data-outcome='dead_lettered']")).size() == 1);
        assertThat(text(By.cssSelector("li.delivery"))).contains("http_400").contains("invalid event m-poison");
        assertThat(segment.messageIds()).containsExactly("m-good");

        // Destinations: the group with what it did
        driver.get(page("#destinations"));
        String row = "#destinations-table tr[data-group='" + GROUP + "']";
        waitUpTo(30).until(d -> d.findElement(By.cssSelector(row + " td:nth-child(8)")).getText().equals("0"));
        assertThat(text(By.cssSelector(row + " td:nth-child(3)"))).isEqualTo("0.2"); // 1 in 5 min
        assertThat(text(By.cssSelector(row + " td:nth-child(6)"))).isEqualTo("0.2");
        assertThat(text(By.id("errors-table"))).contains("http_400");
        browser.screenshot("destinations");

        // DLQ: the poison event, with its reason
        click(By.cssSelector(row + " a[href^='#dlq/']"));
        By dead = By.cssSelector("#dlq-table tbody tr[data-message-id='m-poison']");
        waitUpTo(30).until(ExpectedConditions.presenceOfElementLocated(dead));
        assertThat(text(dead)).contains("http_400").contains("invalid event m-poison");
        assertThat(text(By.id("dlq-reasons"))).contains("http_400 (1)");
        browser.screenshot("dlq");

        // fix the destination, then redrive from the page; the row follows it to delivered
        segment.refusePoison(false);
        click(By.cssSelector("#dlq-table tbody tr[data-message-id='m-poison'] input[type=checkbox]"));
        waitUpTo(10).until(d -> d.findElement(By.id("redrive-selected")).isEnabled());
        click(By.id("redrive-selected"));
        waitUpTo(20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("redrive-status"),
                "1 record(s) sent to"));
        waitUpTo(60).until(d -> d.findElement(By.cssSelector("#dlq-table tbody tr[data-message-id='m-poison'] td.status"))
                .getText().startsWith("delivered at"));
        browser.screenshot("dlq-redriven");
        assertThat(segment.messageIds()).containsExactly("m-good", "m-poison");

        driver.get(page("#event/m-poison"));
        waitUpTo(30).until(d -> d.findElements(By.cssSelector("li.delivery[data-outcome='delivered']")).size() == 1);
        assertThat(text(By.cssSelector("li.delivery"))).contains(GROUP).contains("delivered at");
        browser.screenshot("event-redriven");

        // Replay: the range again, for this group alone; Segment gets both once more
        driver.get(page("#replay/" + GROUP));
        waitUpTo(10).until(d -> new Select(d.findElement(By.id("replay-group"))).getFirstSelectedOption().getText()
                .equals(GROUP));
        driver.findElement(By.cssSelector("#replay-form input[name=from]")).sendKeys(before.toString());
        driver.findElement(By.cssSelector("#replay-form input[name=to]")).sendKeys(Instant.now().toString());
        driver.findElement(By.cssSelector("#replay-form input[name=types]")).sendKeys("track");
        click(By.id("replay-start"));
        waitUpTo(30).until(d -> "done".equals(d.findElement(By.id("replay-state")).getDomAttribute("data-state")));
        assertThat(text(By.id("replay-total"))).as(text(By.id("replay-progress"))).isEqualTo("2");
        assertThat(text(By.id("replay-copied"))).isEqualTo("2");
        waitUpTo(60).until(d -> d.findElement(By.id("replay-delivered")).getText().equals("2"));
        browser.screenshot("replay");
        assertThat(Collections.frequency(segment.messageIds(), "m-good")).isEqualTo(2);
        assertThat(Collections.frequency(segment.messageIds(), "m-poison")).isEqualTo(2);
    }
}

package dev.sluice.console;

import static org.assertj.core.api.Assertions.assertThat;
import dev.sluice.runtime.KafkaSettings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.model.Topics;
import dev.sluice.testsupport.SharedKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser: events sent through the real ingest API and routed by the real router
 * on the shared broker show up in Live as they arrive, can be opened, followed in the Event view, and
 * the rejected ones are listed with their reason. Screenshots go to {@code target/screenshots/}.
 */
class ConsoleBrowserTest {

    private static final String TOKEN = "browser-test-token-0123456789";
    private static final String WRITE_KEY = "wk-console";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SHOTS = Path.of("target", "screenshots");

    private static HeadlessChromium browser;
    private static IngestAndRouter pipeline;
    private static Console console;
    private static Topics topics;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        if (HeadlessChromium.missing() != null) {
            System.err.println("ConsoleBrowserTest: " + HeadlessChromium.missing());
            return; // each test then says so (a skip in @BeforeAll would count no test at all)
        }
        browser = HeadlessChromium.startOrSkip(SHOTS);
        pipeline = IngestAndRouter.start("c", WRITE_KEY, Map.of());
        topics = pipeline.topics();
        // history from before the console started: it shows up too, read back from the topics
        send("{\"batch\":[{\"type\":\"track\",\"event\":\"Signed Up\",\"userId\":\"u-early\","
                + "\"messageId\":\"m-early\"}]}");
        console = Console.start(new ConsoleConfig(new KafkaSettings(SharedKafka.bootstrapServers(), topics, 1, 1), "127.0.0.1", 0, TOKEN,
                100, 1000));
    }

    @BeforeEach
    void needsABrowser() {
        Assumptions.assumeTrue(browser != null, HeadlessChromium.missing());
    }

    @AfterAll
    static void stop() {
        IngestAndRouter.closeAll(browser, console, pipeline);
    }

    private static void send(String body) throws Exception {
        HttpResponse<String> r = pipeline.send(body);
        assertThat(r.statusCode()).as(r.body()).isIn(200, 400);
    }

    private static JsonNode api(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + console.port()
                + path)).header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static WebDriverWait waitUpTo(int seconds) {
        return new WebDriverWait(browser.driver, Duration.ofSeconds(seconds));
    }

    private static By liveRow(String messageId) {
        return By.cssSelector("#live-table tbody tr[data-message-id='" + messageId + "']");
    }

    @Test
    void aFormOnAnotherSiteCannotPostToTheConsole() throws Exception {
        // another site: 127.0.0.1 is not the same site as localhost, whatever the port
        com.sun.net.httpserver.HttpServer other = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        byte[] page = ("<!DOCTYPE html><html><body><form id=\"f\" method=\"post\" action=\"http://localhost:"
                + console.port() + "/login\"><input type=\"hidden\" name=\"token\" value=\"" + TOKEN + "\">"
                + "<button id=\"go\" type=\"submit\">win a prize</button></form></body></html>")
                .getBytes(StandardCharsets.UTF_8);
        other.createContext("/", ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            ex.sendResponseHeaders(200, page.length);
            ex.getResponseBody().write(page);
            ex.close();
        });
        other.start();
        try {
            // no session on the console from another test: the refused login must not have made one
            browser.driver.get("http://localhost:" + console.port() + "/healthz");
            browser.driver.manage().deleteAllCookies();
            browser.driver.get("http://127.0.0.1:" + other.getAddress().getPort() + "/");
            browser.driver.findElement(By.id("go")).click();
            waitUpTo(10).until(ExpectedConditions.urlContains("localhost:" + console.port() + "/login"));
            assertThat(browser.driver.getPageSource()).contains("cross_site_request");
            assertThat(browser.driver.manage().getCookieNamed(AccessGuard.COOKIE)).isNull();
        } finally {
            other.stop(0);
        }
    }

    @Test
    void liveEventAndRejectedViewsShowWhatWentThroughThePipeline() throws Exception {
        var driver = browser.driver;

        // log in with the token
        driver.get("http://localhost:" + console.port() + "/");
        waitUpTo(10).until(ExpectedConditions.urlContains("/login"));
        browser.screenshot("login");
        driver.findElement(By.id("token")).sendKeys(TOKEN);
        driver.findElement(By.cssSelector("#login button")).click();
        waitUpTo(10).until(ExpectedConditions.textToBe(By.id("live-status"), "live"));

        // history read back from Kafka
        waitUpTo(30).until(ExpectedConditions.presenceOfElementLocated(liveRow("m-early")));

        // new events arrive without reloading: pushed over server-sent events
        send("{\"batch\":["
                + "{\"type\":\"track\",\"event\":\"Order Completed\",\"userId\":\"u-1\",\"messageId\":\"m-order\","
                + "\"properties\":{\"total\":42.5},\"timestamp\":\"2026-01-01T00:00:00Z\"},"
                + "{\"type\":\"identify\",\"userId\":\"u-1\",\"messageId\":\"m-identify\",\"traits\":{\"plan\":\"pro\"}},"
                + "{\"type\":\"page\",\"name\":\"Home\",\"anonymousId\":\"anon-7\"}"
                + "],\"sentAt\":\"2026-01-01T00:00:01Z\"}");
        waitUpTo(30).until(ExpectedConditions.presenceOfElementLocated(liveRow("m-order")));
        waitUpTo(30).until(ExpectedConditions.presenceOfElementLocated(liveRow("m-identify")));
        WebElement home = waitUpTo(30).until(ExpectedConditions.presenceOfElementLocated(
                By.xpath("//table[@id='live-table']//tr[td[5]='Home']")));
        String generatedId = home.getDomAttribute("data-message-id");
        assertThat(generatedId).startsWith("sluice-");
        List<WebElement> rows = driver.findElements(By.cssSelector("#live-table tbody tr"));
        assertThat(rows.get(rows.size() - 1).getDomAttribute("data-message-id")).isEqualTo("m-early");
        browser.screenshot("live");

        // the console links an event sent without a messageId to its request, as the router named it
        assertThat(api("/api/messages/" + generatedId).get("received")).hasSize(1);

        // filter by type, then by user
        new Select(driver.findElement(By.name("type"))).selectByVisibleText("identify");
        driver.findElement(By.cssSelector("#live-filter button[type=submit]")).click();
        waitUpTo(10).until(ExpectedConditions.presenceOfElementLocated(liveRow("m-identify")));
        waitUpTo(10).until(d -> d.findElements(By.cssSelector("#live-table tbody tr")).size() == 1);
        new Select(driver.findElement(By.name("type"))).selectByVisibleText("any");
        driver.findElement(By.cssSelector("#live-filter input[name=userId]")).sendKeys("anon-7");
        driver.findElement(By.cssSelector("#live-filter button[type=submit]")).click();
        waitUpTo(10).until(d -> d.findElements(By.cssSelector("#live-table tbody tr")).size() == 1
                && !d.findElements(liveRow(generatedId)).isEmpty());
        driver.findElement(By.cssSelector("#live-filter input[name=userId]")).clear();

        // pause holds new events back; resume shows them
        driver.findElement(By.cssSelector("#live-filter button[type=submit]")).click();
        waitUpTo(30).until(ExpectedConditions.presenceOfElementLocated(liveRow("m-order")));
        driver.findElement(By.id("pause")).click();
        send("{\"batch\":[{\"type\":\"track\",\"event\":\"Paused\",\"userId\":\"u-2\",\"messageId\":\"m-paused\"}]}");
        waitUpTo(30).until(ExpectedConditions.textToBe(By.id("live-status"), "paused, 1 new"));
        assertThat(driver.findElements(liveRow("m-paused"))).isEmpty();
        driver.findElement(By.id("pause")).click();
        waitUpTo(10).until(ExpectedConditions.presenceOfElementLocated(liveRow("m-paused")));

        // one event's JSON as stored, what Sluice added highlighted, and as received
        driver.findElement(liveRow("m-order")).click();
        waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("detail")));
        waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-stored"), "m-order"));
        List<String> marked = driver.findElements(By.cssSelector("#detail-stored .enriched")).stream()
                .map(e -> e.getDomAttribute("data-path")).toList();
        assertThat(marked).contains("projectId", "receivedAt", "sentAt", "originalTimestamp", "timestamp")
                .doesNotContain("messageId", "event", "userId");
        String received = driver.findElement(By.id("detail-received")).getText();
        assertThat(received).contains("Order Completed").doesNotContain("projectId").doesNotContain("receivedAt");
        browser.screenshot("event-json");
        driver.findElement(By.id("detail-close")).click();

        // the Event view: received, then routed with topic, partition and offset
        driver.get("http://localhost:" + console.port() + "/#event/m-order");
        WebElement path = waitUpTo(10).until(ExpectedConditions.presenceOfElementLocated(By.id("path-m-order")));
        waitUpTo(10).until(d -> d.findElement(By.id("path-m-order")).getText().contains("Routed to"));
        assertThat(path.getText()).contains("Received").contains("for project shop")
                .contains("Routed to " + topics.prefix() + "events.track partition 0 offset")
                .contains("Destinations: no sink group has logged this event yet");
        browser.screenshot("event");

        // a userId's latest events
        driver.findElement(By.cssSelector("#event-lookup input[name=messageId]")).clear();
        driver.findElement(By.cssSelector("#event-lookup input[name=userId]")).sendKeys("u-1");
        driver.findElement(By.cssSelector("#event-lookup button")).click();
        waitUpTo(10).until(d -> d.findElements(By.cssSelector("#user-events tbody tr")).size() == 2);

        // rejected events, by reason
        send("{\"batch\":[{\"type\":\"track\",\"userId\":\"u-3\",\"messageId\":\"m-no-name\"}]}");
        send("{\"batch\":[{\"type\":\"track\",\"event\":\"Anonymous\",\"messageId\":\"m-no-user\"}]}");
        waitUpTo(30).until(d -> {
            try {
                return api("/api/rejected").get("events").size() >= 2;
            } catch (Exception e) {
                return false;
            }
        });
        driver.get("http://localhost:" + console.port() + "/#rejected");
        WebElement reason = waitUpTo(10).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#reasons a[data-reason='event_not_defined']")));
        assertThat(driver.findElement(By.id("reasons")).getText()).contains("no_user_anon_id (1)");
        reason.click();
        waitUpTo(10).until(d -> d.findElements(By.cssSelector("#rejected-table tbody tr")).size() == 1);
        WebElement row = driver.findElement(By.cssSelector("#rejected-table tbody tr"));
        assertThat(row.getText()).contains("event_not_defined").contains("track requires event");
        browser.screenshot("rejected");

        // and the Event view says why
        driver.get("http://localhost:" + console.port() + "/#event/m-no-name");
        waitUpTo(10).until(d -> d.findElement(By.id("event-path")).getText().contains("Rejected by"));
        assertThat(driver.findElement(By.id("event-path")).getText()).contains("event_not_defined");
    }
}

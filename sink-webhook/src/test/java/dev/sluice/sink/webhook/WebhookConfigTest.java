package dev.sluice.sink.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.runtime.EnvReader.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookConfigTest {

    private static final String SRC = "SLUICE_WEBHOOK_CONFIG=hooks.json";

    private static WebhookConfig parse(String json, Map<String, String> env) {
        return WebhookConfig.parse(json, SRC, env);
    }

    private static String oneEndpoint(String fields) {
        return "{\"endpoints\":[{\"name\":\"hook-a\",\"url\":\"https://example.com/in\"" + fields + "}]}";
    }

    private static void refused(String json, String... messageParts) {
        assertThatThrownBy(() -> parse(json, Map.of("HOOK_SECRET", "s3")))
                .isInstanceOf(ConfigException.class).message().contains(messageParts);
    }

    @Test
    void aFullEndpointIsReadWithItsSecretFromTheEnvironment() {
        WebhookConfig c = parse("{\"endpoints\":[{\"name\":\"orders\",\"url\":\"https://hooks.example.com/sluice\","
                + "\"filter\":{\"projects\":[\"shop\"],\"types\":[\"track\"],\"events\":[\"Order Completed\"]},"
                + "\"mode\":\"single\",\"maxEvents\":4,\"maxBytes\":65536,\"timeout\":\"PT3S\","
                + "\"secretEnv\":\"HOOK_SECRET\",\"headers\":{\"Authorization\":\"Bearer abc\"}},"
                + "{\"name\":\"all\",\"url\":\"http://10.0.0.5:8080/\"}]}", Map.of("HOOK_SECRET", "s3"));
        assertThat(c.endpoints()).hasSize(2);
        Endpoint orders = c.endpoints().get(0);
        assertThat(orders.name()).isEqualTo("orders");
        assertThat(orders.url().toString()).isEqualTo("https://hooks.example.com/sluice");
        assertThat(orders.filter()).isEqualTo(new EndpointFilter(Set.of("shop"), Set.of("track"),
                Set.of("Order Completed")));
        assertThat(orders.mode()).isEqualTo(Endpoint.Mode.SINGLE);
        assertThat(orders.maxEvents()).isEqualTo(4);
        assertThat(orders.maxBytes()).isEqualTo(65536);
        assertThat(orders.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(orders.secret()).isEqualTo("s3");
        assertThat(orders.headers()).containsExactly(Map.entry("Authorization", "Bearer abc"));
        assertThat(orders.toString()).doesNotContain("s3");

        Endpoint all = c.endpoints().get(1);
        assertThat(all.mode()).isEqualTo(Endpoint.Mode.BATCH);
        assertThat(all.maxEvents()).isEqualTo(WebhookConfig.DEFAULT_BATCH_EVENTS);
        assertThat(all.maxBytes()).isEqualTo(WebhookConfig.DEFAULT_MAX_BYTES);
        assertThat(all.timeout()).isEqualTo(WebhookConfig.DEFAULT_TIMEOUT);
        assertThat(all.secret()).isNull();
        assertThat(all.filter()).isEqualTo(EndpointFilter.ALL);
    }

    @Test
    void theFileIsNamedByTheVariable(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("hooks.json"), oneEndpoint(",\"secret\":\"inline\""));
        WebhookConfig c = WebhookConfig.fromEnv(Map.of("SLUICE_WEBHOOK_CONFIG", file.toString()));
        assertThat(c.endpoints()).singleElement().satisfies(e -> assertThat(e.secret()).isEqualTo("inline"));

        assertThatThrownBy(() -> WebhookConfig.fromEnv(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SLUICE_WEBHOOK_CONFIG is not set");
        Path missing = dir.resolve("nope.json");
        assertThatThrownBy(() -> WebhookConfig.fromEnv(Map.of("SLUICE_WEBHOOK_CONFIG", missing.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SLUICE_WEBHOOK_CONFIG=" + missing).hasMessageContaining("cannot read");
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"endpoints\": [\n{\"name\": }");
        assertThatThrownBy(() -> WebhookConfig.fromEnv(Map.of("SLUICE_WEBHOOK_CONFIG", broken.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SLUICE_WEBHOOK_CONFIG=" + broken).hasMessageContaining("not JSON")
                .hasMessageContaining("line 2");
    }

    @Test
    void eachMistakeIsNamedWithTheFileTheEndpointAndTheField() {
        refused("[]", SRC, "expected an object");
        refused("{\"endpoints\":[]}", SRC, "\"endpoints\" must be a non-empty array");
        refused("{\"endpoint\":[]}", SRC, "unknown field 'endpoint'");
        refused("{\"endpoints\":[{\"url\":\"https://x\"}]}", SRC, "endpoints[0]", "name is missing");
        refused("{\"endpoints\":[{\"name\":\"Hook_A\",\"url\":\"https://x\"}]}", "endpoints[0]", "name 'Hook_A'",
                "a-z, 0-9");
        refused("{\"endpoints\":[{\"name\":\"a\",\"url\":\"https://x\"},{\"name\":\"a\",\"url\":\"https://y\"}]}",
                "endpoints[1]", "'a' is used twice");
        refused("{\"endpoints\":[{\"name\":\"hook-a\"}]}", "endpoints[0] (hook-a)", "url is missing");
        refused(oneEndpoint("").replace("https://example.com/in", "ftp://example.com"), "(hook-a)",
                "url 'ftp://example.com'", "http(s)://");
        refused(oneEndpoint(",\"mode\":\"stream\""), "(hook-a)", "mode 'stream'", "batch or single");
        refused(oneEndpoint(",\"maxEvents\":0"), "(hook-a)", "maxEvents 0");
        refused(oneEndpoint(",\"maxEvents\":\"10\""), "(hook-a)", "maxEvents \"10\"");
        refused(oneEndpoint(",\"maxBytes\":100"), "(hook-a)", "maxBytes 100");
        refused(oneEndpoint(",\"maxEvents\":5000,\"maxBytes\":2048"), "(hook-a)", "maxBytes 2048 leaves no room");
        refused(oneEndpoint(",\"timeout\":\"10s\""), "(hook-a)", "timeout '10s'", "ISO-8601");
        refused(oneEndpoint(",\"timeout\":\"PT0S\""), "(hook-a)", "timeout 'PT0S' must be positive");
        refused(oneEndpoint(",\"secretEnv\":\"HOOK_MISSING\""), "(hook-a)", "secretEnv names HOOK_MISSING, which is not set");
        refused(oneEndpoint(",\"secretEnv\":\"HOOK_SECRET\",\"secret\":\"x\""), "(hook-a)", "secret or secretEnv, not both");
        refused(oneEndpoint(",\"secret\":\"\""), "(hook-a)", "secret is empty");
        refused(oneEndpoint(",\"filter\":{\"types\":[\"click\"]}"), "(hook-a)", "filter.types", "'click'");
        refused(oneEndpoint(",\"filter\":{\"projects\":[]}"), "(hook-a)", "filter.projects", "non-empty array");
        refused(oneEndpoint(",\"filter\":{\"project\":[\"a\"]}"), "(hook-a): filter", "unknown field 'project'");
        refused(oneEndpoint(",\"headers\":{\"Idempotency-Key\":\"x\"}"), "(hook-a)", "Idempotency-Key is set by the sink");
        refused(oneEndpoint(",\"headers\":{\"X-Sluice-Signature\":\"x\"}"), "(hook-a)", "set by the sink");
        refused(oneEndpoint(",\"headers\":{\"Bad Name\":\"x\"}"), "(hook-a)", "'Bad Name' is not a header name");
        refused(oneEndpoint(",\"headers\":{\"X-Team\":3}"), "(hook-a)", "X-Team: expected a one-line string");
        refused(oneEndpoint(",\"sekret\":\"x\""), "(hook-a)", "unknown field 'sekret'");
    }

    @Test
    void theFilterCombinesItsListsWithAndAndEventNamesExcludeUnnamedTypes() {
        EndpointFilter f = new EndpointFilter(Set.of("shop"), Set.of("track", "page"), Set.of("Order Completed", "Home"));
        assertThat(f.matches("shop", "track", "Order Completed")).isTrue();
        assertThat(f.matches("shop", "page", "Home")).isTrue();
        assertThat(f.matches("blog", "track", "Order Completed")).isFalse();
        assertThat(f.matches("shop", "screen", "Home")).isFalse();
        assertThat(f.matches("shop", "track", "Signed Up")).isFalse();
        assertThat(new EndpointFilter(Set.of(), Set.of(), Set.of("Home")).matches("shop", "identify", null)).isFalse();
        assertThat(EndpointFilter.ALL.matches("any", "alias", null)).isTrue();
        assertThat(EndpointFilter.ALL.needsEventName()).isFalse();
        assertThat(f.needsEventName()).isTrue();
    }
}

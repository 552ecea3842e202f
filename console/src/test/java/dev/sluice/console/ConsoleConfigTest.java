package dev.sluice.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.runtime.EnvReader.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleConfigTest {

    @Test
    void defaultsToLoopbackPort9090WithoutToken() {
        ConsoleConfig c = ConsoleConfig.fromEnv(Map.of());

        assertThat(c.bind()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(9090);
        assertThat(c.token()).isNull();
        assertThat(c.loopbackOnly()).isTrue();
        assertThat(c.kafka().bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(c.kafka().topics().prefix()).isEqualTo("sluice.");
    }

    @Test
    void refusesToListenBeyondLoopbackWithoutATokenNamingTheVariable() {
        assertThatThrownBy(() -> ConsoleConfig.fromEnv(Map.of("SLUICE_CONSOLE_BIND", "0.0.0.0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SLUICE_CONSOLE_TOKEN")
                .hasMessageContaining("SLUICE_CONSOLE_BIND=0.0.0.0");
    }

    @Test
    void listensBeyondLoopbackWithALongToken() {
        ConsoleConfig c = ConsoleConfig.fromEnv(Map.of("SLUICE_CONSOLE_BIND", "0.0.0.0",
                "SLUICE_CONSOLE_TOKEN", "0123456789abcdef0123", "SLUICE_TOPIC_PREFIX", "p.",
                "KAFKA_BOOTSTRAP_SERVERS", "k:1"));

        assertThat(c.loopbackOnly()).isFalse();
        assertThat(c.kafka().topics().rejected()).isEqualTo("p.events.rejected");
        assertThat(c.kafka().bootstrapServers()).isEqualTo("k:1");
        assertThat(c.toString()).doesNotContain("0123456789abcdef0123");
    }

    @Test
    void refusesAShortToken() {
        assertThatThrownBy(() -> ConsoleConfig.fromEnv(Map.of("SLUICE_CONSOLE_TOKEN", "secret")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SLUICE_CONSOLE_TOKEN")
                .hasMessageContaining("16");
    }

    @Test
    void localhostAndIpv6LoopbackNeedNoToken() {
        assertThat(ConsoleConfig.fromEnv(Map.of("SLUICE_CONSOLE_BIND", "localhost")).loopbackOnly()).isTrue();
        assertThat(ConsoleConfig.fromEnv(Map.of("SLUICE_CONSOLE_BIND", "::1")).loopbackOnly()).isTrue();
    }

    @Test
    void refusesAPortOutOfRange() {
        assertThatThrownBy(() -> ConsoleConfig.fromEnv(Map.of("SLUICE_CONSOLE_PORT", "70000")))
                .hasMessageContaining("SLUICE_CONSOLE_PORT");
    }
}

package dev.sluice.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.runtime.EnvReader.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestConfigTest {

    @Test
    void defaultsFollowTheArchitecture() {
        IngestConfig c = IngestConfig.fromEnv(Map.of("SLUICE_WRITE_KEYS", "k1=project-a, k2=project-b"));
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.kafka().bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(c.kafka().topics().ingestRaw()).isEqualTo("sluice.ingest.raw");
        assertThat(c.writeKeys()).containsExactlyInAnyOrderEntriesOf(Map.of("k1", "project-a", "k2", "project-b"));
        assertThat(c.maxEventBytes()).isEqualTo(32768);
        assertThat(c.maxRequestBytes()).isEqualTo(512000);
        assertThat(c.maxBatchEvents()).isEqualTo(2500);
        assertThat(c.kafkaTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.compression()).isEqualTo("lz4");
    }

    @Test
    void writeKeysFromAFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys");
        Files.writeString(file, "# keys\nk1=project-a\n\nk3=project-c\n");
        IngestConfig c = IngestConfig.fromEnv(Map.of("SLUICE_WRITE_KEYS_FILE", file.toString()));
        assertThat(c.writeKeys()).containsEntry("k3", "project-c").hasSize(2);
    }

    @Test
    void badSettingsFailWithTheVariableNamed() {
        assertThatThrownBy(() -> IngestConfig.fromEnv(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SLUICE_WRITE_KEYS");
        assertThatThrownBy(() -> IngestConfig.fromEnv(Map.of("SLUICE_WRITE_KEYS", "k1")))
                .hasMessageContaining("SLUICE_WRITE_KEYS").hasMessageContaining("key=value");
        assertThatThrownBy(() -> IngestConfig.fromEnv(Map.of("SLUICE_WRITE_KEYS", "k=p", "SLUICE_INGEST_PORT", "http")))
                .hasMessageContaining("SLUICE_INGEST_PORT=http");
        assertThatThrownBy(() -> IngestConfig.fromEnv(Map.of("SLUICE_WRITE_KEYS", "k=p",
                "SLUICE_INGEST_KAFKA_TIMEOUT", "10s"))).hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> IngestConfig.fromEnv(Map.of("SLUICE_WRITE_KEYS", "k=p",
                "SLUICE_INGEST_COMPRESSION", "brotli"))).hasMessageContaining("SLUICE_INGEST_COMPRESSION");
        assertThatThrownBy(() -> IngestConfig.fromEnv(Map.of("SLUICE_WRITE_KEYS", "k=p",
                "SLUICE_TOPIC_PREFIX", "bad prefix"))).hasMessageContaining("bad prefix");
        assertThatThrownBy(() -> IngestConfig.fromEnv(Map.of("SLUICE_WRITE_KEYS", "k=p",
                "SLUICE_WRITE_KEYS_FILE", "/nonexistent/keys"))).hasMessageContaining("/nonexistent/keys");
    }
}

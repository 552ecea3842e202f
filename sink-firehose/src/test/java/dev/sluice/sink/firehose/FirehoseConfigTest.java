package dev.sluice.sink.firehose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FirehoseConfigTest {

    @Test
    void streamsPerProjectWithADefault() {
        FirehoseConfig c = FirehoseConfig.fromEnv(Map.of("SLUICE_FIREHOSE_STREAMS", "a=events-a,b=events-b",
                "SLUICE_FIREHOSE_DEFAULT_STREAM", "events"));
        assertThat(c.streamFor("a")).isEqualTo("events-a");
        assertThat(c.streamFor("zzz")).isEqualTo("events");
        assertThat(c.packBytes()).isZero();
        assertThat(FirehoseConfig.fromEnv(Map.of("SLUICE_FIREHOSE_STREAMS", "a=s")).streamFor("b")).isNull();
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> FirehoseConfig.fromEnv(Map.of())).hasMessageContaining("SLUICE_FIREHOSE_STREAMS");
        assertThatThrownBy(() -> FirehoseConfig.fromEnv(Map.of("SLUICE_FIREHOSE_DEFAULT_STREAM", "bad stream")))
                .hasMessageContaining("bad stream");
        assertThatThrownBy(() -> FirehoseConfig.fromEnv(Map.of("SLUICE_FIREHOSE_DEFAULT_STREAM", "s",
                "SLUICE_FIREHOSE_ENDPOINT", "localhost"))).hasMessageContaining("SLUICE_FIREHOSE_ENDPOINT");
        assertThatThrownBy(() -> FirehoseConfig.fromEnv(Map.of("SLUICE_FIREHOSE_DEFAULT_STREAM", "s",
                "SLUICE_FIREHOSE_PACK_BYTES", "2000000"))).hasMessageContaining("SLUICE_FIREHOSE_PACK_BYTES");
    }
}

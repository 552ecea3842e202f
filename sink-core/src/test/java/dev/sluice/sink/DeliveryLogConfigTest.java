package dev.sluice.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.runtime.EnvReader.ConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SLUICE_DELIVERY_LOG and SLUICE_DELIVERY_LOG_RETENTION as SinkConfig reads them. */
class DeliveryLogConfigTest {

    @Test
    void onForAWeekUnlessToldOtherwise() {
        SinkConfig c = SinkConfig.fromEnv(Map.of("SLUICE_TOPIC_PREFIX", "x."), "sink-fake", 0);
        assertThat(c.deliveryLog()).isEqualTo(new SinkConfig.DeliveryLogSettings(true, Duration.ofDays(7)));
        assertThat(c.deliveriesTopic()).isEqualTo("x.deliveries");
        assertThat(c.withGroup("other").deliveryLog()).isEqualTo(c.deliveryLog());
    }

    @Test
    void turnedOffOrKeptLonger() {
        SinkConfig c = SinkConfig.fromEnv(Map.of("SLUICE_DELIVERY_LOG", "off",
                "SLUICE_DELIVERY_LOG_RETENTION", "P30D"), "sink-fake", 0);
        assertThat(c.deliveryLog()).isEqualTo(new SinkConfig.DeliveryLogSettings(false, Duration.ofDays(30)));
    }

    @Test
    void badValuesNameTheVariable() {
        assertThatThrownBy(() -> SinkConfig.fromEnv(Map.of("SLUICE_DELIVERY_LOG", "maybe"), "sink-fake", 0))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SLUICE_DELIVERY_LOG=maybe");
        assertThatThrownBy(() -> SinkConfig.fromEnv(Map.of("SLUICE_DELIVERY_LOG_RETENTION", "7 days"), "sink-fake", 0))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SLUICE_DELIVERY_LOG_RETENTION");
        assertThatThrownBy(() -> SinkConfig.fromEnv(Map.of("SLUICE_DELIVERY_LOG_RETENTION", "PT0S"), "sink-fake", 0))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SLUICE_DELIVERY_LOG_RETENTION");
    }
}

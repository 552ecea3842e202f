package dev.sluice.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.runtime.AdminServer;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkAdminTest {

    @Test
    void theAdminServerListensOnLoopbackUnlessToldOtherwise() throws Exception {
        SinkConfig defaults = SinkConfig.fromEnv(Map.of(), "sink-test", 9199);
        assertThat(InetAddress.getByName(defaults.adminBind()).isLoopbackAddress()).isTrue();
        assertThat(SinkConfig.fromEnv(Map.of("SLUICE_ADMIN_BIND", "0.0.0.0"), "sink-test", 9199).adminBind())
                .isEqualTo("0.0.0.0");
        try (AdminServer admin = AdminServer.start(defaults.adminBind(), 0, () -> true, () -> true, () -> "")) {
            assertThat(admin.address().getAddress().isLoopbackAddress()).isTrue();
        }
    }
}

package dev.sluice.allinone;

import dev.sluice.runtime.EnvReader;
import dev.sluice.sink.SinkPlugin;

/** Runs the whole pipeline in one process for a laptop; Ctrl-C stops it cleanly. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        AllInOne sluice;
        try {
            sluice = AllInOne.start(System.getenv());
        } catch (EnvReader.ConfigException e) {
            System.err.println("sluice: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(sluice::close, "sluice-stop"));
        StringBuilder out = new StringBuilder("\nSluice is running.\n");
        out.append("  Kafka:                ").append(sluice.bootstrapServers()).append('\n');
        out.append("  Ingest API:           http://localhost:").append(sluice.ingestPort())
                .append("  (POST /v1/track, /v1/batch, ...; /healthz)\n");
        out.append("  ingest-api admin:     http://localhost:").append(sluice.ingestAdminPort())
                .append("  (/healthz /readyz /metrics; every admin port is on loopback unless SLUICE_ADMIN_BIND)\n");
        out.append("  Console:              http://localhost:").append(sluice.consolePort())
                .append("/  (live events, each event's path, rejected events; SLUICE_CONSOLE_PORT)\n");
        out.append("  router-streams admin: http://localhost:").append(sluice.routerAdminPort()).append('\n');
        for (SinkPlugin sink : sluice.sinkPlugins()) {
            String label = String.format("  %-22s", sink.name() + (sluice.sinkAdminPort(sink.name()) < 0 ? ":" : " admin:"));
            out.append(label).append(sluice.sinkAdminPort(sink.name()) < 0 ? "off (" + sink.enableHint() + ")"
                    : "http://localhost:" + sluice.sinkAdminPort(sink.name())).append('\n');
        }
        out.append("Press Ctrl-C to stop.\n");
        System.out.println(out);
    }
}

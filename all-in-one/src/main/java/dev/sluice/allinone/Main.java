package dev.sluice.allinone;

import dev.sluice.model.EnvReader;

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
        System.out.printf("%nSluice is running.%n  Kafka:        %s%n  Ingest API:   http://localhost:%d  "
                + "(POST /v1/track, /v1/batch, ...; /healthz /readyz /metrics)%n"
                + "  Router admin: http://localhost:%d  (/healthz /readyz /metrics)%n%s"
                + "Press Ctrl-C to stop.%n%n",
                sluice.bootstrapServers(), sluice.ingestPort(), sluice.routerAdminPort(),
                sluice.firehoseAdminPort() < 0 ? "  sink-firehose: off (set SLUICE_FIREHOSE_STREAMS or "
                        + "SLUICE_FIREHOSE_DEFAULT_STREAM)%n".formatted()
                        : "  sink-firehose admin: http://localhost:%d%n".formatted(sluice.firehoseAdminPort()));
    }
}

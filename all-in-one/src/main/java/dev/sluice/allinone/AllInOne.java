package dev.sluice.allinone;

import dev.sluice.embeddedkafka.EmbeddedKafkaBroker;
import dev.sluice.ingest.IngestApi;
import dev.sluice.ingest.IngestConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The whole pipeline in one process: the embedded broker (unless an external one is given) and the services. */
public final class AllInOne implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AllInOne.class);

    private final EmbeddedKafkaBroker broker;
    private final String bootstrap;
    private final List<AutoCloseable> services = new ArrayList<>();
    private final IngestApi ingest;

    private AllInOne(EmbeddedKafkaBroker broker, String bootstrap, IngestApi ingest) {
        this.broker = broker;
        this.bootstrap = bootstrap;
        this.ingest = ingest;
        services.add(ingest);
    }

    /** Starts everything; the environment is read as each service would read it alone. */
    public static AllInOne start(Map<String, String> environment) {
        AllInOneConfig config = AllInOneConfig.fromEnv(environment);
        Map<String, String> env = new HashMap<>(environment);
        if (env.get("SLUICE_WRITE_KEYS") == null && env.get("SLUICE_WRITE_KEYS_FILE") == null) {
            env.put("SLUICE_WRITE_KEYS", AllInOneConfig.DEV_WRITE_KEYS);
            LOG.warn("event=dev_write_key_used writeKey=dev-write-key project=dev hint=\"set SLUICE_WRITE_KEYS\"");
        }
        IngestConfig ingestConfig = IngestConfig.fromEnv(env); // validate before starting a broker
        EmbeddedKafkaBroker broker = null;
        String bootstrap = config.externalBootstrap();
        if (bootstrap == null) {
            broker = EmbeddedKafkaBroker.start(config.dataDir(), config.kafkaPort());
            bootstrap = broker.bootstrapServers();
            // one node: topics created by the services must not ask for more replicas than exist
            ingestConfig = new IngestConfig(bootstrap, ingestConfig.topics(), ingestConfig.port(),
                    ingestConfig.writeKeys(), ingestConfig.maxEventBytes(), ingestConfig.maxRequestBytes(),
                    ingestConfig.maxBatchEvents(), ingestConfig.kafkaTimeout(), ingestConfig.rateLimitPerSecond(),
                    ingestConfig.topicPartitions(), 1, ingestConfig.compression());
        }
        try {
            IngestApi ingest = IngestApi.start(ingestConfig.withKafka(bootstrap, ingestConfig.port()));
            return new AllInOne(broker, bootstrap, ingest);
        } catch (RuntimeException e) {
            if (broker != null) {
                broker.close();
            }
            throw e;
        }
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    public int ingestPort() {
        return ingest.port();
    }

    @Override
    public void close() {
        for (int i = services.size() - 1; i >= 0; i--) {
            try {
                services.get(i).close();
            } catch (Exception e) {
                LOG.warn("event=service_stop_failed error=\"{}\"", e.toString());
            }
        }
        if (broker != null) {
            broker.close();
        }
    }
}

package dev.sluice.sink;

import dev.sluice.runtime.EnvReader.ConfigException;

/**
 * A bounded re-delivery: one topic (a typed topic, a DLQ, …) from {@code from} to {@code to}, under its
 * own consumer group so live groups are untouched, acting for one live group: what keeps failing goes
 * to that group's retry topic and DLQ. Offsets apply to every partition of the topic.
 *
 * @param to {@code latest} (the end as of the start of the run), an instant, or an offset (exclusive)
 * @param groupId the replay's own consumer group (its progress)
 * @param forGroup the live group it acts for ({@code SLUICE_SINK_GROUP_ID})
 */
public record ReplayRange(String topic, StartPosition from, StartPosition to, String groupId, String forGroup) {

    /**
     * {@code replay <topic> [from] [to] [replay group]}, e.g. {@code replay sluice.dlq.sink-firehose earliest latest},
     * for the group in {@code config}; refuses another group's retry topic or DLQ.
     */
    public static ReplayRange parse(String[] args, SinkConfig config) {
        if (args.length < 2 || !args[0].equals("replay")) {
            throw new ConfigException("usage: replay <topic> [from: earliest|<instant>|<offset>] "
                    + "[to: latest|<instant>|<offset>] [replay group id]; it acts for SLUICE_SINK_GROUP_ID");
        }
        String topic = args[1];
        StartPosition from = StartPosition.parse(args.length > 2 ? args[2] : "earliest", "replay from");
        StartPosition to = StartPosition.parse(args.length > 3 ? args[3] : "latest", "replay to");
        if (to.kind() == StartPosition.Kind.EARLIEST) {
            throw new ConfigException("replay to: earliest would replay nothing");
        }
        String retry = config.kafka().topics().retry(config.sinkName());
        String dlq = config.kafka().topics().dlq(config.sinkName());
        boolean groupTopic = topic.equals(retry) || topic.startsWith(retry + ".") || topic.equals(dlq)
                || topic.startsWith(dlq + ".");
        if (groupTopic && !topic.equals(config.retryTopic()) && !topic.equals(config.dlqTopic())) {
            throw new ConfigException("replay " + topic + ": that topic belongs to another consumer group of "
                    + config.sinkName() + " than SLUICE_SINK_GROUP_ID=" + config.groupId() + " (whose DLQ is "
                    + config.dlqTopic() + "); set SLUICE_SINK_GROUP_ID to the group it belongs to");
        }
        String group = args.length > 4 ? args[4] : config.groupId() + "-replay-" + topic;
        return new ReplayRange(topic, from, to, group, config.groupId());
    }
}

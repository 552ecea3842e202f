package dev.sluice.sink;

import dev.sluice.model.EnvReader.ConfigException;

/**
 * A bounded re-delivery: one topic (a typed topic, a DLQ, …) from {@code from} to {@code to}, under its
 * own consumer group so live groups are untouched. Offsets apply to every partition of the topic.
 *
 * @param to {@code latest} (the end as of the start of the run), an instant, or an offset (exclusive)
 */
public record ReplayRange(String topic, StartPosition from, StartPosition to, String groupId) {

    /** {@code replay <topic> [from] [to] [group]}, e.g. {@code replay sluice.dlq.sink-firehose earliest latest}. */
    public static ReplayRange parse(String[] args, String sinkName) {
        if (args.length < 2 || !args[0].equals("replay")) {
            throw new ConfigException("usage: replay <topic> [from: earliest|<instant>|<offset>] "
                    + "[to: latest|<instant>|<offset>] [group id]");
        }
        String topic = args[1];
        StartPosition from = StartPosition.parse(args.length > 2 ? args[2] : "earliest", "replay from");
        StartPosition to = StartPosition.parse(args.length > 3 ? args[3] : "latest", "replay to");
        if (to.kind() == StartPosition.Kind.EARLIEST) {
            throw new ConfigException("replay to: earliest would replay nothing");
        }
        String group = args.length > 4 ? args[4] : "sluice-" + sinkName + "-replay-" + topic;
        return new ReplayRange(topic, from, to, group);
    }
}

package dev.sluice.sink;

import dev.sluice.model.DeliveryLogEntry;
import dev.sluice.model.DeliveryLogEntry.Event;
import dev.sluice.model.DeliveryLogEntry.Outcome;
import dev.sluice.testsupport.TopicProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Reads a delivery log back as tests need it: every entry, and each messageId's path through one group. */
public final class DeliveryLogProbe {

    /** One event of one entry: what happened to it, when, on which attempt. */
    public record Step(Outcome outcome, String code, String reason, long atMillis, long nextAttemptAtMillis,
                       Event event) {
    }

    private DeliveryLogProbe() {
    }

    /** Every entry of the topic (all of it: written without transactions, counted first); unreadable ones fail. */
    public static List<DeliveryLogEntry> read(String bootstrap, String topic) {
        long n = TopicProbe.count(bootstrap, topic);
        List<DeliveryLogEntry> out = new ArrayList<>();
        TopicProbe.read(bootstrap, topic, (int) n, Duration.ofSeconds(30)).forEach(r -> {
            DeliveryLogEntry e = DeliveryLogEntry.parse(r.value());
            if (e == null) {
                throw new AssertionError("unreadable delivery log entry: " + new String(r.value()));
            }
            if (!Objects.equals(r.key(), e.group())) {
                throw new AssertionError("entry of group " + e.group() + " keyed " + r.key());
            }
            out.add(e);
        });
        return out;
    }

    /** Each messageId's steps in {@code group}, in the order they happened (by time, then attempt). */
    public static Map<String, List<Step>> paths(List<DeliveryLogEntry> entries, String group) {
        Map<String, List<Step>> out = new LinkedHashMap<>();
        for (DeliveryLogEntry e : entries) {
            if (!e.group().equals(group)) {
                continue;
            }
            for (Event ev : e.events()) {
                out.computeIfAbsent(ev.messageId(), k -> new ArrayList<>()).add(new Step(e.outcome(), e.code(),
                        e.reason(), e.atMillis(), e.nextAttemptAtMillis(), ev));
            }
        }
        Comparator<Step> order = Comparator.comparingLong(Step::atMillis).thenComparingInt(s -> s.event().attempts());
        out.values().forEach(steps -> steps.sort(order));
        return out;
    }

    /** The outcomes of a path, in order. */
    public static List<Outcome> outcomes(List<Step> path) {
        return path.stream().map(Step::outcome).toList();
    }
}

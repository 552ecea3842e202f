package dev.sluice.sink.webhook;

import java.util.Set;

/**
 * Which events an endpoint wants: each list, when not empty, must contain the event's value; the lists
 * are combined with AND. An empty filter passes everything.
 *
 * @param projects projectIds (the record key)
 * @param types Segment types: track, identify, page, screen, group, alias
 * @param events event names: a track's {@code event}, a page's or screen's {@code name}; other types have
 *               none, so a non-empty list excludes them
 */
public record EndpointFilter(Set<String> projects, Set<String> types, Set<String> events) {

    public static final EndpointFilter ALL = new EndpointFilter(Set.of(), Set.of(), Set.of());

    public EndpointFilter {
        projects = Set.copyOf(projects);
        types = Set.copyOf(types);
        events = Set.copyOf(events);
    }

    /** Whether {@link #matches} needs the event name, which costs parsing the event. */
    public boolean needsEventName() {
        return !events.isEmpty();
    }

    /** @param eventName the event's name, or null when it has none (or it was not needed) */
    public boolean matches(String project, String type, String eventName) {
        // Set.of refuses contains(null): a record without key or type header matches only an open list
        return (projects.isEmpty() || project != null && projects.contains(project))
                && (types.isEmpty() || type != null && types.contains(type))
                && (events.isEmpty() || eventName != null && events.contains(eventName));
    }

    /** Why an event was left out, for the discard reason. */
    public String describe() {
        return "projects=" + projects + " types=" + types + " events=" + events;
    }
}

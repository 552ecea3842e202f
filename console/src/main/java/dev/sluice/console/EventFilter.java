package dev.sluice.console;

import java.util.function.Predicate;

/**
 * What the Live view and the lists narrow events to; a null or empty field matches everything.
 *
 * @param userId matches the event's userId or its anonymousId
 */
public record EventFilter(String project, String type, String name, String userId) implements Predicate<IndexedEvent> {

    public EventFilter {
        project = blankToNull(project);
        type = blankToNull(type);
        name = blankToNull(name);
        userId = blankToNull(userId);
    }

    public static final EventFilter ALL = new EventFilter(null, null, null, null);

    @Override
    public boolean test(IndexedEvent e) {
        return (project == null || project.equals(e.projectId()))
                && (type == null || type.equals(e.type()))
                && (name == null || name.equals(e.name()))
                && (userId == null || userId.equals(e.userId()) || userId.equals(e.anonymousId()));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}

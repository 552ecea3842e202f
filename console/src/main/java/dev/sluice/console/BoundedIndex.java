package dev.sluice.console;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The last {@code capacity} items added, looked up by a key: Kafka holds everything, the console keeps
 * only what fits in a fixed amount of memory. Thread-safe.
 */
final class BoundedIndex<T> {

    private final int capacity;
    private final Function<T, String> key;
    private final ArrayDeque<T> items;
    private final Map<String, List<T>> byKey = new HashMap<>();

    BoundedIndex(int capacity, Function<T, String> key) {
        this.capacity = capacity;
        this.key = key;
        this.items = new ArrayDeque<>(Math.min(capacity, 1 << 16));
    }

    synchronized void add(T item) {
        if (items.size() == capacity) {
            T oldest = items.removeFirst();
            String k = key.apply(oldest);
            if (k != null) {
                List<T> same = byKey.get(k);
                same.remove(oldest);
                if (same.isEmpty()) {
                    byKey.remove(k);
                }
            }
        }
        items.addLast(item);
        String k = key.apply(item);
        if (k != null) {
            byKey.computeIfAbsent(k, x -> new ArrayList<>(1)).add(item);
        }
    }

    /** Every kept item with this key, oldest first. */
    synchronized List<T> get(String k) {
        List<T> found = byKey.get(k);
        return found == null ? List.of() : List.copyOf(found);
    }

    /** Up to {@code limit} matching items, first by {@code order}. */
    synchronized List<T> find(Predicate<T> matches, Comparator<T> order, int limit) {
        List<T> out = new ArrayList<>();
        for (T item : items) {
            if (matches.test(item)) {
                out.add(item);
            }
        }
        out.sort(order);
        return out.size() <= limit ? out : List.copyOf(out.subList(0, limit));
    }

    synchronized int size() {
        return items.size();
    }
}

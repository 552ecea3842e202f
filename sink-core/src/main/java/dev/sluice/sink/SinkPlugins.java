package dev.sluice.sink;

import dev.sluice.runtime.EnvReader.ConfigException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** The sinks on the classpath, found with {@link ServiceLoader}, in name order. */
public final class SinkPlugins {

    private SinkPlugins() {
    }

    /** Every plugin on the classpath; two with one name, or a name that cannot be a topic part, are refused. */
    public static List<SinkPlugin> discover() {
        List<SinkPlugin> found = new ArrayList<>();
        ServiceLoader.load(SinkPlugin.class).forEach(found::add);
        return checked(found);
    }

    static List<SinkPlugin> checked(List<SinkPlugin> plugins) {
        List<SinkPlugin> sorted = new ArrayList<>(plugins);
        sorted.sort(Comparator.comparing(SinkPlugin::name));
        for (int i = 0; i < sorted.size(); i++) {
            String name = sorted.get(i).name();
            if (!name.matches("sink-[a-z0-9][a-z0-9-]{0,40}")) {
                throw new IllegalStateException("sink plugin " + sorted.get(i).getClass().getName() + " is named '"
                        + name + "'; a sink's name is sink-<destination> in lower case letters, digits and dashes");
            }
            if (i > 0 && sorted.get(i - 1).name().equals(name)) {
                throw new IllegalStateException("two sink plugins are named " + name + ": "
                        + sorted.get(i - 1).getClass().getName() + " and " + sorted.get(i).getClass().getName());
            }
        }
        return List.copyOf(sorted);
    }

    /**
     * The sink a standalone process runs: the only one on its classpath, or the one {@code SLUICE_SINK}
     * names when there are several.
     */
    public static SinkPlugin select(List<SinkPlugin> plugins, Map<String, String> env) {
        String wanted = env.get("SLUICE_SINK");
        if (wanted != null && !wanted.isBlank()) {
            return plugins.stream().filter(p -> p.name().equals(wanted.trim())).findFirst()
                    .orElseThrow(() -> new ConfigException("SLUICE_SINK=" + wanted + ": no such sink on the classpath "
                            + "(found " + names(plugins) + ")"));
        }
        if (plugins.size() != 1) {
            throw new ConfigException(plugins.isEmpty() ? "no sink plugin on the classpath"
                    : "several sinks on the classpath (" + names(plugins) + "): set SLUICE_SINK to one of them");
        }
        return plugins.get(0);
    }

    private static List<String> names(List<SinkPlugin> plugins) {
        return plugins.stream().map(SinkPlugin::name).toList();
    }
}

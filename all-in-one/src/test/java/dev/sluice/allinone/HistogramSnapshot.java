package dev.sluice.allinone;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;

/**
 * One Prometheus histogram's cumulative bucket counts (summed over the series whose labels match), scraped
 * from an admin {@code /metrics}; two snapshots give the percentiles of what was recorded between them.
 */
record HistogramSnapshot(TreeMap<Double, Double> buckets) {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** @param labelFilter text every counted series' labels must contain, e.g. {@code sink="sink-firehose"}, or "" */
    static HistogramSnapshot scrape(int adminPort, String name, String labelFilter) throws IOException, InterruptedException {
        String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + adminPort + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        TreeMap<Double, Double> buckets = new TreeMap<>();
        String prefix = name + "_bucket{";
        for (String line : text.split("\n")) {
            if (!line.startsWith(prefix)) {
                continue;
            }
            int close = line.lastIndexOf('}');
            String labels = line.substring(prefix.length(), close);
            if (!labels.contains(labelFilter)) {
                continue;
            }
            int le = labels.indexOf("le=\"") + 4;
            String bound = labels.substring(le, labels.indexOf('"', le));
            double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
            double count = Double.parseDouble(line.substring(close + 1).trim().split(" ")[0]);
            buckets.merge(upper, count, Double::sum);
        }
        return new HistogramSnapshot(buckets);
    }

    HistogramSnapshot minus(HistogramSnapshot before) {
        TreeMap<Double, Double> delta = new TreeMap<>();
        for (Map.Entry<Double, Double> e : buckets.entrySet()) {
            delta.put(e.getKey(), e.getValue() - before.buckets.getOrDefault(e.getKey(), 0.0));
        }
        return new HistogramSnapshot(delta);
    }

    long count() {
        Double all = buckets.get(Double.POSITIVE_INFINITY);
        return all == null ? 0 : Math.round(all);
    }

    /** The bucket the q-quantile falls in, in ms: "(lower, upper]". */
    String quantile(double q) {
        long count = count();
        if (count == 0) {
            return "n/a";
        }
        long rank = (long) Math.ceil(q * count);
        double lower = 0;
        for (Map.Entry<Double, Double> e : buckets.entrySet()) {
            if (e.getValue() >= rank) {
                return String.format("(%.0f, %s]", lower * 1000,
                        e.getKey().isInfinite() ? "inf" : String.format("%.0f", e.getKey() * 1000));
            }
            lower = e.getKey();
        }
        return "n/a";
    }
}

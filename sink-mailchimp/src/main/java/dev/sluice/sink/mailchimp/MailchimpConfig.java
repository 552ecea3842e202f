package dev.sluice.sink.mailchimp;

import dev.sluice.runtime.EnvReader.ConfigException;
import dev.sluice.runtime.EnvReader;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Which audience (list) each project's identifies go to, and how members are written.
 *
 * @param baseUrl the API root without {@code /3.0}: {@code https://<dc>.api.mailchimp.com} from the key's
 *                {@code -<dc>} suffix, or {@code SLUICE_MAILCHIMP_URL}
 * @param lists projectId → list id; projects not listed use {@code defaultList}, or their identifies go
 *              to the DLQ when there is none (replayable once a list is configured)
 * @param statusIfNew the status a new member gets ({@code subscribed} unless configured)
 * @param mergeFields trait name → merge tag, e.g. {@code firstName → FNAME}
 */
public record MailchimpConfig(String apiKey, URI baseUrl, Map<String, String> lists, String defaultList,
                              String statusIfNew, Map<String, String> mergeFields, Duration timeout) {

    /** The statuses Mailchimp accepts in {@code status_if_new}. */
    static final List<String> STATUSES = List.of("subscribed", "pending", "unsubscribed", "cleaned", "transactional");

    public MailchimpConfig {
        lists = Map.copyOf(lists);
        mergeFields = Map.copyOf(mergeFields);
        if (lists.isEmpty() && defaultList == null) {
            throw new ConfigException("no Mailchimp audience: set SLUICE_MAILCHIMP_DEFAULT_LIST=<list id> "
                    + "or SLUICE_MAILCHIMP_LISTS=project=listId,...");
        }
        if (!STATUSES.contains(statusIfNew)) {
            throw new ConfigException("SLUICE_MAILCHIMP_STATUS_IF_NEW=" + statusIfNew + ": expected one of " + STATUSES);
        }
    }

    public static MailchimpConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        String key = r.raw("SLUICE_MAILCHIMP_API_KEY");
        if (key == null || key.isBlank()) {
            throw new ConfigException("SLUICE_MAILCHIMP_API_KEY is not set");
        }
        String url = r.raw("SLUICE_MAILCHIMP_URL");
        URI base;
        if (url != null) {
            try {
                base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("SLUICE_MAILCHIMP_URL=" + url + ": not a URL");
            }
            if (base.getScheme() == null || !base.getScheme().startsWith("http") || base.getHost() == null) {
                throw new ConfigException("SLUICE_MAILCHIMP_URL=" + url + ": expected http(s)://host");
            }
        } else {
            base = URI.create("https://" + dataCenter(key) + ".api.mailchimp.com");
        }
        return new MailchimpConfig(key, base, r.pairs("SLUICE_MAILCHIMP_LISTS", null),
                r.raw("SLUICE_MAILCHIMP_DEFAULT_LIST"),
                r.string("SLUICE_MAILCHIMP_STATUS_IF_NEW", "subscribed"),
                r.raw("SLUICE_MAILCHIMP_MERGE_FIELDS") == null ? Map.of("firstName", "FNAME", "lastName", "LNAME")
                        : r.pairs("SLUICE_MAILCHIMP_MERGE_FIELDS", null),
                r.duration("SLUICE_MAILCHIMP_TIMEOUT", Duration.ofSeconds(10)));
    }

    /** {@code us6} from {@code 0123abcd-us6}: Mailchimp's API keys end in their account's data center. */
    static String dataCenter(String apiKey) {
        int dash = apiKey.lastIndexOf('-');
        String dc = dash < 0 ? "" : apiKey.substring(dash + 1);
        if (!dc.matches("[a-z]+[0-9]+")) {
            throw new ConfigException("SLUICE_MAILCHIMP_API_KEY does not end in a data center (like -us6); "
                    + "set SLUICE_MAILCHIMP_URL=https://<dc>.api.mailchimp.com");
        }
        return dc;
    }

    /** The list for a project, or null. */
    public String listFor(String project) {
        return lists.getOrDefault(project, defaultList);
    }
}

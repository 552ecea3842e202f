package dev.sluice.sink.mailchimp;

import dev.sluice.model.Topics;
import dev.sluice.sink.BackToBackClients;
import dev.sluice.sink.SinkService;
import dev.sluice.sink.SinkTestTopics;
import dev.sluice.sink.TypedEventWriter;
import dev.sluice.testsupport.SharedKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Not a test: sink-mailchimp upserting a backlog of identifies into the Marketing API stand-in, against
 * the stand-in's capacity for ten clients doing the same PUTs back to back (Mailchimp's connection
 * limit), both with the stand-in answering at once and after 20 ms (a stand-in for the network's
 * round trip). See BENCHMARKS.md.
 */
public final class MailchimpBenchmark {

    private static final String KEY = "0123456789abcdef0123456789abcdef-us6";

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("bench.events", 20_000);
        System.out.printf("backlog %,d identify events with an email, 6 typed topics x 2 partitions, %d cores%n", n,
                Runtime.getRuntime().availableProcessors());
        System.out.println("| stand-in delay | stand-in capacity (10 clients) | sink-mailchimp | ratio |");
        System.out.println("| --- | --- | --- | --- |");
        for (long delay : new long[] {0, 20}) {
            double capacity;
            try (MailchimpStandIn mailchimp = new MailchimpStandIn(KEY, "list-default")) {
                mailchimp.delayMillis = delay;
                capacity = capacity(mailchimp, 10);
            }
            double rate = drain(n, delay);
            System.out.printf("| %d ms | %,.0f PUT/s | %,.0f PUT/s | %.2f |%n", delay, capacity, rate, rate / capacity);
        }
        System.exit(0);
    }

    static double drain(int n, long delay) throws Exception {
        Topics topics = MailchimpSinkTest.newTopics();
        // every event an identify with an address, whatever typed topic it is written to
        TypedEventWriter.write(SharedKafka.bootstrapServers(), topics, n, (i, type, id, project) ->
                "{\"type\":\"identify\",\"messageId\":\"" + id + "\",\"userId\":\"user-" + i + "\",\"traits\":"
                        + "{\"email\":\"person" + i + "@example.com\",\"firstName\":\"Ada\"}}", "project-b");
        try (MailchimpStandIn mailchimp = new MailchimpStandIn(KEY, "list-default")) {
            mailchimp.delayMillis = delay;
            long t0 = System.nanoTime();
            try (SinkService sink = MailchimpSinkTest.start(MailchimpSinkTest.env(topics, mailchimp.url()))) {
                while (mailchimp.puts.get() == 0) {
                    Thread.sleep(5);
                }
                t0 = System.nanoTime();
                SinkTestTopics.awaitCommitted("sluice-sink-mailchimp", topics, n, 20);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return mailchimp.puts.get() / seconds;
        }
    }

    /** Ten clients PUTting members back to back for {@code seconds}: PUTs per second. */
    static double capacity(MailchimpStandIn mailchimp, int seconds) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String auth = "Basic " + Base64.getEncoder().encodeToString(("bench:" + KEY).getBytes(StandardCharsets.UTF_8));
        return BackToBackClients.eventsPerSecond(http, MailchimpSink.MAX_IN_FLIGHT, seconds, 1, (client, i) -> {
            String email = "cap" + client + "-" + i + "@example.com";
            return HttpRequest.newBuilder(URI.create(mailchimp.url() + "/3.0/lists/list-default/members/"
                    + MemberUpsert.subscriberHash(email))).header("Authorization", auth)
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"email_address\":\"" + email
                            + "\",\"status_if_new\":\"subscribed\",\"merge_fields\":{\"FNAME\":\"Ada\"}}")).build();
        });
    }
}

package dev.sluice.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.model.FailureHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class RejectingExceptionHandlerTest {

    @Test
    void theSourceRecordGoesToEventsRejectedWithSluicesFailureHeaders() {
        RejectingExceptionHandler handler = new RejectingExceptionHandler();
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "sluice.events.rejected"));
        RecordHeaders source = new RecordHeaders();
        source.add("sluice.project", "project-a".getBytes(StandardCharsets.UTF_8));

        ProcessingExceptionHandler.Response response = handler.handleError(context(source), new Record<>("k", "v", 0L),
                new IllegalStateException("boom"));

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        List<ProducerRecord<byte[], byte[]>> out = response.deadLetterQueueRecords();
        assertThat(out).hasSize(1);
        ProducerRecord<byte[], byte[]> r = out.get(0);
        assertThat(r.topic()).isEqualTo("sluice.events.rejected");
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("project-a");
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{\"raw\":true}");
        assertThat(FailureHeaders.text(r.headers(), FailureHeaders.CODE)).isEqualTo("processing_failed");
        assertThat(FailureHeaders.text(r.headers(), FailureHeaders.STAGE)).isEqualTo("router-streams");
        assertThat(FailureHeaders.text(r.headers(), FailureHeaders.REASON)).contains("split", "boom");
        assertThat(FailureHeaders.text(r.headers(), "sluice.project")).isEqualTo("project-a");
        assertThat(r.headers().toArray()).noneMatch(h -> h.key().startsWith("__streams"));
    }

    private static ErrorHandlerContext context(Headers headers) {
        return new ErrorHandlerContext() {
            @Override public String topic() { return "sluice.ingest.raw"; }
            @Override public int partition() { return 0; }
            @Override public long offset() { return 42; }
            @Override public Headers headers() { return headers; }
            @Override public String processorNodeId() { return "split"; }
            @Override public TaskId taskId() { return new TaskId(0, 0); }
            @Override public long timestamp() { return 1_000L; }
            @Override public byte[] sourceRawKey() { return "project-a".getBytes(StandardCharsets.UTF_8); }
            @Override public byte[] sourceRawValue() { return "{\"raw\":true}".getBytes(StandardCharsets.UTF_8); }
        };
    }
}

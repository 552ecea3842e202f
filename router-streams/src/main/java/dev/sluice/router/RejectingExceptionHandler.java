package dev.sluice.router;

import dev.sluice.model.FailureHeaders;
import dev.sluice.model.Rejection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Kafka Streams does with a record the topology could not read or process: the source record,
 * unchanged, goes to {@code events.rejected} with Sluice's own failure headers ({@code sluice.error.*},
 * the schema every rejected and dead-lettered record carries) and processing continues.
 */
public final class RejectingExceptionHandler implements ProcessingExceptionHandler, DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RejectingExceptionHandler.class);

    private String rejectedTopic;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null) {
            throw new IllegalStateException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG
                    + " must name the rejected topic");
        }
        this.rejectedTopic = topic.toString();
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
                                                           Exception exception) {
        return ProcessingExceptionHandler.Response.resume(rejection(context, "processing_failed",
                "processor " + context.processorNodeId(), exception));
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                                ConsumerRecord<byte[], byte[]> record,
                                                                Exception exception) {
        return DeserializationExceptionHandler.Response.resume(rejection(context, "deserialization_failed",
                "deserializer", exception));
    }

    List<ProducerRecord<byte[], byte[]>> rejection(ErrorHandlerContext context, String code, String where,
                                                   Exception exception) {
        LOG.error("event=record_rejected code={} source={}/{}/{} where=\"{}\" error=\"{}\"", code, context.topic(),
                context.partition(), context.offset(), where, exception.toString(), exception);
        RecordHeaders headers = new RecordHeaders(context.headers().toArray());
        FailureHeaders.rejectedNow(new Rejection(code, where + " failed: " + exception), EnvelopeSplitter.STAGE)
                .writeTo(headers);
        return List.of(new ProducerRecord<>(rejectedTopic, null, context.timestamp(), context.sourceRawKey(),
                context.sourceRawValue(), headers));
    }
}

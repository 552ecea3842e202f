package dev.sluice.sink;

import java.util.Collection;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** Which partitions the loop reads and where it starts: the live group's subscription, or a bounded replay. */
interface SourceAssignment {

    /** What the loop does when the group takes partitions away. */
    interface Owner {
        /** Partitions handed over cleanly: commit what is settled, forget the rest. */
        void revoked(Collection<TopicPartition> partitions);

        /** Partitions already owned by someone else: forget them, commit nothing. */
        void lost(Collection<TopicPartition> partitions);
    }

    /** The consumer group the loop commits under. */
    String groupId();

    /** Subscribes or assigns a fresh consumer (at start, and again after the loop rebuilt it). */
    void attach(Consumer<String, byte[]> consumer, Owner owner);

    /** Whether a polled record is to be delivered (a replay ignores what lies past its end). */
    boolean accepts(ConsumerRecord<String, byte[]> record);

    /** Whether a partition has nothing more to give (a replay's partition read to its end). */
    boolean exhausted(Consumer<String, byte[]> consumer, TopicPartition tp);

    /** Whether the run is over (a replay delivered its whole range); a live group never is. */
    boolean complete(Consumer<String, byte[]> consumer, PartitionQueues queues);

    /** Whether partial batches go out at once rather than lingering (a replay has no more coming). */
    boolean flushEagerly();
}

package io.vigil.cli.cluster;

import io.vigil.cli.common.KafkaClients;
import io.vigil.jobs.understand.BareModelLoop;
import io.vigil.schemas.AvroCodec;
import io.vigil.schemas.Caption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Reads a captions topic {@code read_committed} from its start in a thread of its own: what a
 * dashboard sees, no matter how often the job failed in between.
 */
final class CommittedCaptions implements AutoCloseable {
    private static final AvroCodec<Caption> CODEC = AvroCodec.of(Caption.class);

    private final List<BareModelLoop.Cap> seen = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread reader;
    private volatile Throwable failure;

    CommittedCaptions(String bootstrap, String topic) {
        reader = new Thread(() -> read(bootstrap, topic), "chaos-caption-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(String bootstrap, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.consumer(bootstrap)) {
            KafkaClients.assignAll(consumer, bootstrap, topic, true);
            while (!stop.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Caption c = CODEC.decode(r.value());
                    synchronized (seen) {
                        seen.add(
                                new BareModelLoop.Cap(
                                        c.getStreamId(),
                                        c.getSegmentStartMs(),
                                        c.getSegmentEndMs(),
                                        c.getText(),
                                        c.getFramesSeen()));
                    }
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** How many committed captions have been read so far. */
    int count() {
        check();
        synchronized (seen) {
            return seen.size();
        }
    }

    /** Every committed caption read so far, in the order read. */
    List<BareModelLoop.Cap> all() {
        check();
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    /**
     * Waits until at least {@code n} captions are read, or {@code timeout} passes.
     *
     * @return whether {@code n} were reached
     */
    boolean awaitCount(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count() < n) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    private void check() {
        if (failure != null) {
            throw new IllegalStateException("the caption reader failed: " + failure, failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        reader.join(10_000);
    }
}

package io.vigil.cli.bench;

import io.vigil.cli.local.RunCommand;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What the soak watches in this process and on the broker: the heap in use (sampled right after a
 * full collection, so it is the live set a leak grows), the process's resident memory outside the
 * heap (native: ONNX Runtime, FFmpeg, RocksDB, direct buffers), the newest completed checkpoint's
 * size on disk, and the job's consumer lag on the chunks topic (end offsets minus the offsets its
 * group commits on each checkpoint).
 */
final class SoakProbe implements AutoCloseable {

    /** One sample; sizes in bytes, lag in records. */
    record Sample(
            long heapUsed,
            long rss,
            long nativeOutsideHeap,
            long direct,
            long checkpointBytes,
            long lag) {}

    private final Admin admin;
    private final String topic;
    private final String group;
    private final Path checkpoints;

    SoakProbe(String bootstrap, String topic, String group, Path checkpoints) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        this.admin = Admin.create(p);
        this.topic = topic;
        this.group = group;
        this.checkpoints = checkpoints;
    }

    Sample sample() throws Exception {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long rss = residentBytes();
        long direct = 0;
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            direct += b.getMemoryUsed();
        }
        return new Sample(
                heap.getUsed(),
                rss,
                Math.max(0, rss - heap.getCommitted()),
                direct,
                newestCheckpointBytes(),
                lag());
    }

    /** VmRSS from /proc/self/status (Linux), else -1. */
    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: reported as -1
        }
        return -1;
    }

    /** Bytes under the newest complete {@code chk-N} folder, else 0. */
    private long newestCheckpointBytes() {
        long bytes = 0;
        try {
            Optional<Path> newest = RunCommand.latestCheckpoint(checkpoints);
            if (newest.isEmpty()) {
                return 0;
            }
            try (Stream<Path> files = Files.walk(newest.get())) {
                for (Path f : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                    bytes += Files.size(f);
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0; // a checkpoint was subsumed while measuring: next sample
        }
        // shared state (incremental RocksDB) lives beside chk-N; hashmap snapshots are all inside
        return bytes;
    }

    /** Records on {@code topic} not yet committed by {@code group}. */
    private long lag() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(10, TimeUnit.SECONDS);
        List<TopicPartition> partitions =
                admin
                        .describeTopics(List.of(topic))
                        .allTopicNames()
                        .get(10, TimeUnit.SECONDS)
                        .get(topic)
                        .partitions()
                        .stream()
                        .map(i -> new TopicPartition(topic, i.partition()))
                        .collect(Collectors.toList());
        Map<TopicPartition, ListOffsetsResultInfo> ends =
                admin.listOffsets(
                                partitions.stream()
                                        .collect(
                                                Collectors.toMap(
                                                        tp -> tp, tp -> OffsetSpec.latest())))
                        .all()
                        .get(10, TimeUnit.SECONDS);
        long lag = 0;
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata c = committed.get(tp);
            lag += ends.get(tp).offset() - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    @Override
    public void close() {
        admin.close();
    }
}

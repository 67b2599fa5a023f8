package io.vigil.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Where this JVM's CPU time goes between two snapshots, by what the threads do: Flink's task
 * threads (the job's operators), Kafka (the embedded broker's threads, the clients' network threads
 * and the Kafka source's fetcher), the rest of Flink's runtime, other threads, and what no Java
 * thread accounts for (the garbage collector, the JIT compiler, native threads such as ONNX
 * Runtime's own pools) as the process's CPU time minus the threads'. A thread that ends inside a
 * {@link Recorder}'s window counts in its group up to its last snapshot; only its time after that
 * (under one period) falls to the unaccounted rest.
 */
final class CpuLedger {
    /** What a thread is for, by its name. */
    enum Group {
        TASKS("Flink tasks"),
        KAFKA("Kafka"),
        FLINK("Flink runtime"),
        OTHER("other threads"),
        UNACCOUNTED("GC, JIT, native");

        final String label;

        Group(String label) {
            this.label = label;
        }
    }

    // a subtask thread: "decode -> encode (1/2)#0"
    private static final Pattern TASK = Pattern.compile(".* \\(\\d+/\\d+\\)#\\d+$");
    private static final Pattern KAFKA =
            Pattern.compile(
                    "(?i).*(kafka|data-plane|broker|raft|quorum|controller|log-cleaner"
                            + "|ExpirationReaper|transaction-|group-coordinator|share-).*");
    private static final Pattern FLINK =
            Pattern.compile(
                    "(?i)(flink|pekko|jobmanager|taskmanager|Checkpoint|mini-cluster|"
                            + "OutputFlusher|BLOB|Flink|IOExecutor"
                            + "|cluster-io|metrics|Legacy Source|Timer|AsyncOperations).*");

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** CPU nanoseconds per live thread and of the whole process, at one instant. */
    record Snapshot(long processNanos, Map<Long, Long> threadNanos, Map<Long, Group> groups) {}

    /**
     * Snapshots every {@code period} in the background, so that a window known only afterwards (by
     * wall-clock times) can be read: {@link Recorder#between}.
     */
    static Recorder record(Duration period) {
        return new Recorder(period);
    }

    /** Timed snapshots taken by a daemon thread until closed. */
    static final class Recorder implements AutoCloseable {
        private final ConcurrentSkipListMap<Long, Snapshot> taken = new ConcurrentSkipListMap<>();
        private final ScheduledExecutorService timer;

        private Recorder(Duration period) {
            timer =
                    Executors.newSingleThreadScheduledExecutor(
                            r -> {
                                Thread t = new Thread(r, "vigil-bench-cpu-ledger");
                                t.setDaemon(true);
                                return t;
                            });
            timer.scheduleAtFixedRate(
                    () -> taken.put(System.currentTimeMillis(), take()),
                    0,
                    period.toMillis(),
                    TimeUnit.MILLISECONDS);
        }

        /**
         * Core-seconds per group between the snapshots nearest to {@code fromMs} and {@code toMs}
         * (wall clock, ms); empty when fewer than two snapshots were taken.
         */
        Map<Group, Double> between(long fromMs, long toMs) {
            Map.Entry<Long, Snapshot> a = nearest(fromMs);
            Map.Entry<Long, Snapshot> b = nearest(toMs);
            if (a == null || b == null || a.getKey() >= b.getKey()) {
                return Map.of();
            }
            return CpuLedger.between(
                    List.copyOf(taken.subMap(a.getKey(), true, b.getKey(), true).values()));
        }

        private Map.Entry<Long, Snapshot> nearest(long ms) {
            Map.Entry<Long, Snapshot> lo = taken.floorEntry(ms);
            Map.Entry<Long, Snapshot> hi = taken.ceilingEntry(ms);
            if (lo == null || hi == null) {
                return lo == null ? hi : lo;
            }
            return ms - lo.getKey() <= hi.getKey() - ms ? lo : hi;
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    static Snapshot take() {
        Map<Long, Long> nanos = new HashMap<>();
        Map<Long, Group> groups = new HashMap<>();
        for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            long cpu = THREADS.getThreadCpuTime(t.getThreadId());
            if (cpu >= 0) {
                nanos.put(t.getThreadId(), cpu);
                groups.put(t.getThreadId(), group(t.getThreadName()));
            }
        }
        return new Snapshot(processCpuNanos(), nanos, groups);
    }

    /** Core-seconds per group from {@code a} to {@code b}; threads born in between count whole. */
    static Map<Group, Double> between(Snapshot a, Snapshot b) {
        return between(List.of(a, b));
    }

    /**
     * Core-seconds per group from the first to the last of {@code run} (snapshots in time order): a
     * thread counts up to the last snapshot it is in, so one that ended in between still counts.
     */
    static Map<Group, Double> between(List<Snapshot> run) {
        Snapshot a = run.get(0);
        Snapshot b = run.get(run.size() - 1);
        Map<Long, Long> last = new HashMap<>(); // thread ids are never reused
        Map<Long, Group> groups = new HashMap<>();
        for (Snapshot s : run.subList(1, run.size())) {
            last.putAll(s.threadNanos());
            groups.putAll(s.groups());
        }
        Map<Group, Double> out = new EnumMap<>(Group.class);
        for (Group g : Group.values()) {
            out.put(g, 0.0);
        }
        long threads = 0;
        for (Map.Entry<Long, Long> e : last.entrySet()) {
            long used = e.getValue() - a.threadNanos().getOrDefault(e.getKey(), 0L);
            threads += used;
            out.merge(groups.get(e.getKey()), used / 1e9, Double::sum);
        }
        out.put(
                Group.UNACCOUNTED,
                Math.max(0, b.processNanos() - a.processNanos() - threads) / 1e9);
        return out;
    }

    static Group group(String name) {
        if (name.startsWith("Source Data Fetcher")) {
            return Group.KAFKA; // the Kafka source's consumer
        }
        if (TASK.matcher(name).matches()) {
            return Group.TASKS;
        }
        if (KAFKA.matcher(name).matches()) {
            return Group.KAFKA;
        }
        if (FLINK.matcher(name).matches()) {
            return Group.FLINK;
        }
        return Group.OTHER;
    }

    /** This thread's CPU time, nanoseconds. */
    static long threadCpuNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }

    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os =
                ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        throw new IllegalStateException("this JVM does not report its process CPU time");
    }
}

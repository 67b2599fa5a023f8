package io.vigil.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuLedgerTest {

    @Test
    void threadsAreGroupedByWhatTheirNamesSayTheyDo() {
        assertThat(CpuLedger.group("frame-decoder -> frame-encoder (1/2)#0"))
                .isEqualTo(CpuLedger.Group.TASKS);
        assertThat(CpuLedger.group("Source Data Fetcher for Source: chunk-source (1/1)#0"))
                .isEqualTo(CpuLedger.Group.KAFKA);
        assertThat(CpuLedger.group("data-plane-kafka-request-handler-5"))
                .isEqualTo(CpuLedger.Group.KAFKA);
        assertThat(CpuLedger.group("kafka-producer-network-thread | producer-1"))
                .isEqualTo(CpuLedger.Group.KAFKA);
        assertThat(CpuLedger.group("flink-pekko.actor.default-dispatcher-4"))
                .isEqualTo(CpuLedger.Group.FLINK);
        assertThat(CpuLedger.group("main")).isEqualTo(CpuLedger.Group.OTHER);
    }

    @Test
    void aBusyThreadsCpuTimeLandsInItsGroup() throws Exception {
        CpuLedger.Snapshot before = CpuLedger.take();
        java.util.concurrent.CountDownLatch spun = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread busy =
                new Thread(
                        () -> {
                            long end = CpuLedger.threadCpuNanos() + 300_000_000L;
                            double x = 0;
                            while (CpuLedger.threadCpuNanos() < end) {
                                x += Math.sqrt(x + 1);
                            }
                            if (x < 0) {
                                throw new AssertionError();
                            }
                            spun.countDown();
                            try {
                                release.await(); // alive when the second snapshot is taken
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "spinner (1/1)#0");
        busy.start();
        spun.await();
        Map<CpuLedger.Group, Double> used = CpuLedger.between(before, CpuLedger.take());
        release.countDown();
        busy.join();

        assertThat(used.get(CpuLedger.Group.TASKS)).isGreaterThanOrEqualTo(0.25);
        assertThat(used.values().stream().mapToDouble(Double::doubleValue).sum())
                .isGreaterThanOrEqualTo(0.25);
    }

    @Test
    void aRecorderReadsAWindowKnownOnlyAfterwards() throws Exception {
        try (CpuLedger.Recorder recorder = CpuLedger.record(java.time.Duration.ofMillis(20))) {
            Thread.sleep(100);
            long from = System.currentTimeMillis();
            Thread busy = new Thread(() -> spin(300_000_000L), "window (1/1)#0");
            busy.start();
            busy.join();
            Thread.sleep(60); // a snapshot after the spin, with the thread gone
            long to = System.currentTimeMillis();
            Thread.sleep(100);

            Map<CpuLedger.Group, Double> used = recorder.between(from, to);
            Map<CpuLedger.Group, Double> after = recorder.between(to, System.currentTimeMillis());

            // the thread ended inside the window: it counts in its group up to its last snapshot
            assertThat(used.get(CpuLedger.Group.TASKS)).isGreaterThanOrEqualTo(0.2);
            assertThat(used.values().stream().mapToDouble(Double::doubleValue).sum())
                    .isGreaterThanOrEqualTo(0.25);
            assertThat(after.values().stream().mapToDouble(Double::doubleValue).sum())
                    .as("not counted again after the window")
                    .isLessThan(0.2);
        }
    }

    private static void spin(long cpuNanos) {
        long end = CpuLedger.threadCpuNanos() + cpuNanos;
        double x = 0;
        while (CpuLedger.threadCpuNanos() < end) {
            x += Math.sqrt(x + 1);
        }
        if (x < 0) {
            throw new AssertionError();
        }
    }
}

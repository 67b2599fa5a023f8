package io.vigil.cli.cluster;

import io.vigil.jobs.understand.BareModelLoop;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What one chaos scenario came to: the committed captions against the uninterrupted reference
 * (missing, duplicated, unexpected), and the processes' log lines that claim data loss, each either
 * the connector's fenced re-commit after a restore (explained in the runbook, and checked here
 * against the output) or unexplained.
 */
record ChaosVerdict(
        String scenario,
        int expected,
        int committed,
        int missing,
        int duplicates,
        int unexpected,
        int explainedAlarms,
        List<String> unexplainedAlarms,
        List<String> events,
        double seconds) {

    /** Record for record the reference, and no unexplained claim of data loss. */
    boolean passed() {
        return missing == 0 && duplicates == 0 && unexpected == 0 && unexplainedAlarms.isEmpty();
    }

    /** Compares {@code got} (as read) with {@code expected}, as multisets. */
    static ChaosVerdict of(
            String scenario,
            List<BareModelLoop.Cap> expected,
            List<BareModelLoop.Cap> got,
            List<String> alarms,
            List<String> events,
            double seconds) {
        Map<BareModelLoop.Cap, Integer> counts = new HashMap<>();
        for (BareModelLoop.Cap c : got) {
            counts.merge(c, 1, Integer::sum);
        }
        int missing = 0;
        int duplicates = 0;
        for (BareModelLoop.Cap c : expected) {
            Integer n = counts.remove(c);
            if (n == null) {
                missing++;
            } else {
                duplicates += n - 1;
            }
        }
        int unexpected = counts.values().stream().mapToInt(Integer::intValue).sum();
        List<String> unexplained = alarms.stream().filter(a -> !explained(a)).toList();
        return new ChaosVerdict(
                scenario,
                expected.size(),
                got.size(),
                missing,
                duplicates,
                unexpected,
                alarms.size() - unexplained.size(),
                unexplained,
                List.copyOf(events),
                seconds);
    }

    /**
     * The connector's fenced re-commit: after a restore the committer commits the last checkpoint's
     * transactions again; those already committed are fenced by the restored writers, and Flink's
     * Kafka connector logs that this "most likely signals data loss".
     */
    static boolean explained(String alarm) {
        return alarm.contains("already fenced") || alarm.contains("ProducerFencedException");
    }

    /** The lines of every {@code *.log} under {@code logDir} that speak of data loss. */
    static List<String> alarms(Path logDir) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(logDir)) {
            return out;
        }
        try (Stream<Path> logs = Files.list(logDir)) {
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                new String(Files.readAllBytes(log), StandardCharsets.UTF_8)
                        .lines()
                        .filter(l -> l.toLowerCase(Locale.ROOT).contains("data loss"))
                        .forEach(l -> out.add(log.getFileName() + ": " + l));
            }
        }
        return out;
    }

    /** One line: the scenario, the ledger and the alarms. */
    String line() {
        return String.format(
                Locale.ROOT,
                "%-9s %s  %d/%d captions as the uninterrupted reference, %d missing, %d"
                        + " duplicated, %d unexpected; data-loss log lines: %d explained"
                        + " (fenced re-commit), %d unexplained; %.0f s",
                scenario,
                passed() ? "PASS" : "FAIL",
                expected - missing,
                expected,
                missing,
                duplicates,
                unexpected,
                explainedAlarms,
                unexplainedAlarms.size(),
                seconds);
    }
}

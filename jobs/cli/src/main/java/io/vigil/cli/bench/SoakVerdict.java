package io.vigil.cli.bench;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Whether a soak stayed flat: each measure's mean over the last quarter of the samples against its
 * mean over the first quarter, with a slack per measure (what normal variation is), and no dead
 * letter.
 */
record SoakVerdict(boolean flat, String text) {

    private static final long MB = 1_000_000;

    static SoakVerdict of(
            List<SoakProbe.Sample> samples, long inFlight, long deadLetters, long captions) {
        if (samples.size() < 4) {
            return new SoakVerdict(
                    false, "too short to judge: " + samples.size() + " samples (4 or more needed)");
        }
        StringBuilder why = new StringBuilder();
        boolean flat = true;
        flat &=
                check(
                        why,
                        "live heap",
                        samples,
                        SoakProbe.Sample::heapUsed,
                        1.10,
                        64 * MB,
                        " MB",
                        MB);
        flat &=
                check(
                        why,
                        "native",
                        samples,
                        SoakProbe.Sample::nativeOutsideHeap,
                        1.10,
                        128 * MB,
                        " MB",
                        MB);
        flat &=
                check(
                        why,
                        "checkpoint",
                        samples,
                        SoakProbe.Sample::checkpointBytes,
                        1.10,
                        4 * MB,
                        " MB",
                        MB);
        // offsets are committed on checkpoints: up to inFlight chunks are uncommitted at any time
        flat &= check(why, "lag", samples, SoakProbe.Sample::lag, 1.0, inFlight, " chunks", 1);
        if (deadLetters > 0) {
            flat = false;
            why.append(String.format("%d dead letters (none expected)%n", deadLetters));
        }
        if (captions == 0) {
            flat = false;
            why.append(String.format("no caption at all%n"));
        }
        return new SoakVerdict(
                flat,
                (flat ? "flat" : "NOT flat")
                        + ": first vs last quarter, slack in ()"
                        + System.lineSeparator()
                        + why.toString().stripTrailing());
    }

    private static boolean check(
            StringBuilder why,
            String name,
            List<SoakProbe.Sample> samples,
            ToLongFunction<SoakProbe.Sample> f,
            double factor,
            long slack,
            String unit,
            long per) {
        int q = samples.size() / 4;
        double first = samples.subList(0, q).stream().mapToLong(f).average().orElse(0);
        double last =
                samples.subList(samples.size() - q, samples.size()).stream()
                        .mapToLong(f)
                        .average()
                        .orElse(0);
        boolean ok = last <= first * factor + slack;
        why.append(
                String.format(
                        "  %-10s %10.1f -> %10.1f%s (x%.2f + %d%s) %s%n",
                        name,
                        first / per,
                        last / per,
                        unit,
                        factor,
                        slack / per,
                        unit,
                        ok ? "ok" : "GREW"));
        return ok;
    }
}

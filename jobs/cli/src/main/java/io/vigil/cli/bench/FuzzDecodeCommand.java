package io.vigil.cli.bench;

import io.vigil.models.video.ChunkDecoder;
import io.vigil.models.video.ChunkFuzzer;
import io.vigil.models.video.ClipEncoder;
import io.vigil.models.video.FfmpegLogLevel;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.Pointer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vigil fuzz-decode}: the decode fuzzer for long runs (the test suite runs a bounded one):
 * seeded mutants of real H.264 chunks until the time is up, with the process's resident memory and
 * thread count before and after.
 */
@Command(
        name = "fuzz-decode",
        mixinStandardHelpOptions = true,
        header = "Decode seeded mutants of real chunks until the time is up.",
        description = {
            "Bit flips at five rates, truncation at packet boundaries, splices, swapped containers",
            "and random bytes, over MPEG-TS and Matroska H.264 chunks; every mutant must end with",
            "frames or a dead-letter reason within the decode budget. Exit 1 on any other outcome."
        },
        footer = {"", "Example:", "  vigil fuzz-decode --minutes 30 --seed 1"})
public final class FuzzDecodeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--minutes",
            paramLabel = "M",
            defaultValue = "1",
            description = "How long to run (default ${DEFAULT-VALUE}).")
    double minutes;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "1",
            description = "First seed; each round uses the next (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        if (!(minutes > 0)) {
            throw new ParameterException(spec.commandLine(), "--minutes must be > 0");
        }
        FfmpegLogLevel.atMostErrors();
        PrintWriter out = spec.commandLine().getOut();
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            frames.add(frame(i, 320, 240));
        }
        byte[] ts = new ClipEncoder(10, 10).encode(frames, 320, 240, "mpegts");
        byte[] mkv = new ClipEncoder(10, 10).encode(frames, 320, 240, "matroska");
        ChunkDecoder decoder = new ChunkDecoder(100_000, ChunkDecoder.DEFAULT_BUDGET);
        ChunkFuzzer.Tally tally = new ChunkFuzzer.Tally();
        int threadsBefore = Thread.activeCount();
        long end = System.nanoTime() + Duration.ofMillis((long) (minutes * 60_000)).toNanos();
        long rounds = 0;
        long nextReport = System.nanoTime();
        for (long s = seed; System.nanoTime() < end; s++, rounds++) {
            if (System.nanoTime() >= nextReport) {
                out.println(memory(rounds));
                out.flush();
                nextReport += Duration.ofSeconds(15).toNanos();
            }
            ChunkFuzzer.run(
                    decoder, new ChunkFuzzer(s).mutants(ts, "mpegts", mkv, "matroska", 20), tally);
        }
        out.println(memory(rounds));
        out.printf(
                Locale.ROOT,
                "%d rounds (seeds %d-%d): %s; threads %d -> %d%n",
                rounds,
                seed,
                seed + rounds - 1,
                tally,
                threadsBefore,
                Thread.activeCount());
        tally.failures.stream().limit(20).forEach(f -> out.println("  failure: " + f));
        out.flush();
        return tally.failures.isEmpty() ? 0 : 1;
    }

    /**
     * Resident memory outside the Java heap (RSS minus the committed heap, after a GC): native
     * memory that FFmpeg or JavaCPP would leak shows as growth here; the heap itself may grow.
     */
    private static String memory(long rounds) {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return String.format(
                Locale.ROOT,
                "after %d rounds: resident %.0f MiB, of which outside the Java heap %.0f MiB",
                rounds,
                Pointer.physicalBytes() / 1048576.0,
                (Pointer.physicalBytes() - rt.totalMemory()) / 1048576.0);
    }

    /** A gradient with a moving square: content H.264 keeps, [h, w, 3]. */
    private static byte[] frame(int i, int w, int h) {
        byte[] rgb = new byte[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean box =
                        x >= (i * 7) % (w - 32)
                                && x < (i * 7) % (w - 32) + 32
                                && y >= 80
                                && y < 112;
                int p = 3 * (y * w + x);
                rgb[p] = (byte) (box ? 230 : x * 200 / w);
                rgb[p + 1] = (byte) (box ? 40 : y * 200 / h);
                rgb[p + 2] = (byte) (box ? 30 : 90);
            }
        }
        return rgb;
    }
}

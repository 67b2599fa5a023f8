package io.vigil.models.video;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded mutations of real chunks, to check that decoding ends on anything: bit flips in the
 * payload at many rates (as FFmpeg's {@code noise} bitstream filter makes them), truncation at
 * every 188-byte packet boundary, splices of two chunks, a container labelled as the other one, and
 * random bytes. {@link #run} decodes each mutant and counts how it ended; an outcome other than
 * frames or a {@link VideoDecodeException} is a failure the caller reports.
 */
public final class ChunkFuzzer {

    /** One input: mutated bytes, the demuxer they are given to, and how they were made. */
    public record Mutant(String how, byte[] data, String format) {}

    /** How every mutant ended. */
    public static final class Tally {
        public int decoded;
        public long frames;
        public final Map<VideoDecodeException.Reason, Integer> rejected =
                new EnumMap<>(VideoDecodeException.Reason.class);
        public final List<String> failures = new ArrayList<>();

        public int total() {
            return decoded
                    + rejected.values().stream().mapToInt(Integer::intValue).sum()
                    + failures.size();
        }

        @Override
        public String toString() {
            return total()
                    + " chunks: "
                    + decoded
                    + " decoded ("
                    + frames
                    + " frames), rejected "
                    + rejected
                    + ", failures "
                    + failures.size();
        }
    }

    /** Flip rates: the fraction of bytes past the first packet that get one bit flipped. */
    static final double[] FLIP_RATES = {1e-5, 1e-4, 1e-3, 1e-2, 5e-2};

    private final Random random;

    public ChunkFuzzer(long seed) {
        this.random = new Random(seed);
    }

    /**
     * One round of mutants of {@code a} and {@code b} (each a chunk as {@code vigil ingest} cuts
     * them, MPEG-TS or Matroska by {@code formatA}/{@code formatB}).
     *
     * @param truncations how many packet boundaries of {@code a} to cut at (all: -1)
     */
    public List<Mutant> mutants(
            byte[] a, String formatA, byte[] b, String formatB, int truncations) {
        List<Mutant> out = new ArrayList<>();
        for (double rate : FLIP_RATES) {
            out.add(new Mutant("flips " + rate + " of " + formatA, flip(a, rate), formatA));
            out.add(new Mutant("flips " + rate + " of " + formatB, flip(b, rate), formatB));
        }
        int packets = a.length / 188;
        List<Integer> cuts = new ArrayList<>();
        for (int p = 1; p < packets; p++) {
            cuts.add(p * 188);
        }
        if (truncations >= 0 && cuts.size() > truncations) {
            java.util.Collections.shuffle(cuts, random);
            cuts = cuts.subList(0, truncations);
        }
        for (int cut : cuts) {
            out.add(new Mutant("cut at " + cut, Arrays.copyOf(a, cut), formatA));
        }
        int half = a.length / 2 / 188 * 188;
        byte[] splice = Arrays.copyOf(a, half + b.length - b.length / 2);
        System.arraycopy(b, b.length / 2, splice, half, b.length - b.length / 2);
        out.add(new Mutant("splice", splice, formatA));
        out.add(new Mutant("as the other container", a, formatB));
        out.add(new Mutant("as the other container", b, formatA));
        byte[] junk = new byte[1 + random.nextInt(64 * 1024)];
        random.nextBytes(junk);
        out.add(new Mutant("random bytes", junk, formatA));
        return out;
    }

    /** {@code data} with about {@code rate} of its bytes (after the first 188) one bit flipped. */
    byte[] flip(byte[] data, double rate) {
        byte[] out = data.clone();
        int from = Math.min(188, out.length);
        int n = Math.max(1, (int) Math.round((out.length - from) * rate));
        for (int i = 0; i < n && out.length > from; i++) {
            int at = from + random.nextInt(out.length - from);
            out[at] ^= (byte) (1 << random.nextInt(8));
        }
        return out;
    }

    /** Decodes every mutant with {@code decoder} and counts how each ended. */
    public static Tally run(ChunkDecoder decoder, List<Mutant> mutants, Tally into) {
        for (Mutant m : mutants) {
            try {
                into.frames += decoder.decodeAll(m.data(), m.format(), 0).size();
                into.decoded++;
            } catch (VideoDecodeException e) {
                into.rejected.merge(e.reason(), 1, Integer::sum);
            } catch (RuntimeException | Error e) {
                into.failures.add(m.how() + ": " + e);
            }
        }
        return into;
    }
}

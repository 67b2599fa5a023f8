package io.vigil.cli.eval;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A percentile-bootstrap interval for a rate pooled over videos (hits / total of all samples),
 * resampling whole videos: a video's samples are not independent (one missed stop costs several
 * captions in a row), so the spread between videos, not between samples, is what a figure from 20
 * or 40 videos carries. Deterministic: a fixed seed and resample count.
 */
final class VideoBootstrap {
    static final int RESAMPLES = 2000;
    private static final long SEED = 20261126L;

    private VideoBootstrap() {}

    /**
     * @param perVideo {@code {hits, total}} per video
     * @param level e.g. 0.95
     * @return {@code {low, high}} of the pooled rate, or NaNs without any scored sample
     */
    static double[] interval(List<long[]> perVideo, double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level must be in (0, 1): " + level);
        }
        long total = perVideo.stream().mapToLong(v -> v[1]).sum();
        if (total == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        SplittableRandom random = new SplittableRandom(SEED);
        int n = perVideo.size();
        double[] rates = new double[RESAMPLES];
        for (int r = 0; r < RESAMPLES; r++) {
            long hits = 0;
            long samples = 0;
            for (int i = 0; i < n; i++) {
                long[] v = perVideo.get(random.nextInt(n));
                hits += v[0];
                samples += v[1];
            }
            rates[r] = samples == 0 ? Double.NaN : (double) hits / samples;
        }
        double[] valid = Arrays.stream(rates).filter(x -> !Double.isNaN(x)).sorted().toArray();
        double tail = (1 - level) / 2;
        return new double[] {percentile(valid, tail), percentile(valid, 1 - tail)};
    }

    /** The value at fraction {@code q} of a sorted array (nearest rank). */
    private static double percentile(double[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}

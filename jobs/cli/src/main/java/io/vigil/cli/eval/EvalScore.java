package io.vigil.cli.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hits and totals: captions, questions per type, long-video questions; and how well the captions'
 * confidence tells right from wrong.
 */
public final class EvalScore {
    private final Hits captions = new Hits();
    private final Hits qa = new Hits();
    private final Hits qaLong = new Hits();
    private final Map<String, Hits> qaByType = new TreeMap<>();
    private final Map<String, Hits> qaLongByType = new TreeMap<>();
    private final List<Float> rightConfidence = new ArrayList<>();
    private final List<Float> wrongConfidence = new ArrayList<>();
    private final List<long[]> captionsPerVideo = new ArrayList<>();
    private int videos;
    private int longVideos;
    private long frames;

    /** A mutable hit counter. */
    public static final class Hits {
        private long hits;
        private long total;

        void add(boolean hit) {
            total++;
            if (hit) {
                hits++;
            }
        }

        void addAll(Hits other) {
            hits += other.hits;
            total += other.total;
        }

        public long hits() {
            return hits;
        }

        public long total() {
            return total;
        }

        /** Fraction right, or NaN when nothing was scored. */
        public double rate() {
            return total == 0 ? Double.NaN : (double) hits / total;
        }
    }

    void caption(boolean hit, float confidence) {
        captions.add(hit);
        (hit ? rightConfidence : wrongConfidence).add(confidence);
    }

    /**
     * The chance that a right caption has a higher confidence than a wrong one (ties count half):
     * the area under the ROC curve of confidence as a right/wrong detector; NaN without both kinds.
     */
    public double confidenceAuroc() {
        if (rightConfidence.isEmpty() || wrongConfidence.isEmpty()) {
            return Double.NaN;
        }
        double wins = 0;
        for (float r : rightConfidence) {
            for (float w : wrongConfidence) {
                wins += r > w ? 1 : r == w ? 0.5 : 0;
            }
        }
        return wins / ((double) rightConfidence.size() * wrongConfidence.size());
    }

    /** Captions whose confidence is at least {@code p}: how many, and how many of those right. */
    public Hits captionsAtLeast(float p) {
        Hits h = new Hits();
        rightConfidence.stream().filter(c -> c >= p).forEach(c -> h.add(true));
        wrongConfidence.stream().filter(c -> c >= p).forEach(c -> h.add(false));
        return h;
    }

    void question(String type, boolean hit, boolean longVideo) {
        if (longVideo) {
            qaLong.add(hit);
            qaLongByType.computeIfAbsent(type, t -> new Hits()).add(hit);
        } else {
            qa.add(hit);
            qaByType.computeIfAbsent(type, t -> new Hits()).add(hit);
        }
    }

    /**
     * Ends a video; a score takes one video at a time. A short video's row is the captions not yet
     * in any row (long videos have none).
     */
    void video(boolean longVideo, long sampledFrames) {
        if (longVideo) {
            longVideos++;
        } else {
            videos++;
            long[] row = {captions.hits, captions.total};
            for (long[] v : captionsPerVideo) {
                row[0] -= v[0];
                row[1] -= v[1];
            }
            captionsPerVideo.add(row);
        }
        frames += sampledFrames;
    }

    /**
     * A 95 % bootstrap interval of the caption exact rate over the short videos ({@link
     * VideoBootstrap}): how much the figure could move with other videos of the same kind.
     */
    public double[] captionInterval() {
        return VideoBootstrap.interval(captionsPerVideo, 0.95);
    }

    /** Adds another score's counts (per-thread scores merged at the end). */
    public synchronized void merge(EvalScore o) {
        captions.addAll(o.captions);
        captionsPerVideo.addAll(o.captionsPerVideo);
        rightConfidence.addAll(o.rightConfidence);
        wrongConfidence.addAll(o.wrongConfidence);
        qa.addAll(o.qa);
        qaLong.addAll(o.qaLong);
        o.qaByType.forEach((k, v) -> qaByType.computeIfAbsent(k, t -> new Hits()).addAll(v));
        o.qaLongByType.forEach(
                (k, v) -> qaLongByType.computeIfAbsent(k, t -> new Hits()).addAll(v));
        videos += o.videos;
        longVideos += o.longVideos;
        frames += o.frames;
    }

    public Hits captions() {
        return captions;
    }

    public Hits qa() {
        return qa;
    }

    public Hits qaLong() {
        return qaLong;
    }

    public Map<String, Hits> qaByType() {
        return qaByType;
    }

    public Map<String, Hits> qaLongByType() {
        return qaLongByType;
    }

    public int videos() {
        return videos;
    }

    public int longVideos() {
        return longVideos;
    }

    public long frames() {
        return frames;
    }

    /** The human-readable table, one line per figure. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        line(sb, "caption exact", captions);
        double[] ci = captionInterval();
        if (!Double.isNaN(ci[0])) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "  95%% interval over videos  %.1f-%.1f%%  (bootstrap over %d videos)%n",
                            100 * ci[0],
                            100 * ci[1],
                            captionsPerVideo.size()));
        }
        double auroc = confidenceAuroc();
        if (!Double.isNaN(auroc)) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "  confidence right/wrong     AUROC %.3f; mean %.3f right, %.3f wrong%n",
                            auroc,
                            mean(rightConfidence),
                            mean(wrongConfidence)));
            for (float p : THRESHOLDS) {
                Hits sure = captionsAtLeast(p);
                line(
                        sb,
                        String.format(
                                Locale.ROOT,
                                "  p >= %.2f: %.1f%% kept",
                                p,
                                100.0 * sure.total() / captions.total()),
                        sure);
            }
        }
        line(sb, "qa", qa);
        qaByType.forEach((type, h) -> line(sb, "  qa " + type, h));
        line(sb, "qa_long (earliest events)", qaLong);
        qaLongByType.forEach((type, h) -> line(sb, "  qa_long " + type, h));
        return sb.toString();
    }

    /** The confidences the table reports the kept share and exact rate of captions above. */
    static final float[] THRESHOLDS = {0.5f, 0.9f};

    private static double mean(List<Float> v) {
        return v.stream().mapToDouble(Float::doubleValue).average().orElse(Double.NaN);
    }

    private static void line(StringBuilder sb, String name, Hits h) {
        sb.append(
                String.format(
                        Locale.ROOT, "%-28s %7s  (%d/%d)%n", name, pct(h), h.hits(), h.total()));
    }

    /** One line of this score's main figures, for one seed of several. */
    public String seedLine(long seed) {
        double[] ci = captionInterval();
        return String.format(
                Locale.ROOT,
                "seed %-6d caption exact %s (%d/%d%s), qa %s, qa_long %s%n",
                seed,
                pct(captions),
                captions.hits(),
                captions.total(),
                Double.isNaN(ci[0])
                        ? ""
                        : String.format(Locale.ROOT, "; %.1f-%.1f%%", 100 * ci[0], 100 * ci[1]),
                pct(qa),
                pct(qaLong));
    }

    private static String pct(Hits h) {
        return h.total() == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * h.rate());
    }

    /** {@code {"caption_exact":…, "qa":…, "qa_long":…, "videos":…, "frames":…}}. */
    public String json() {
        return String.format(
                Locale.ROOT,
                "{\"caption_exact\":%s, \"qa\":%s, \"qa_long\":%s, \"videos\":%d, \"frames\":%d}",
                num(captions.rate()),
                num(qa.rate()),
                num(qaLong.rate()),
                videos + longVideos,
                frames);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.4f", v);
    }
}

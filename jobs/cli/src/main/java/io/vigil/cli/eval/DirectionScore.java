package io.vigil.cli.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which way people move, instant by instant, against the reference's by-eye direction counts
 * ({@code instants[].directions}: people in view moving left, right, up, down or standing, by the
 * grammar's rule over the last 2 s). Two figures, each beside its chance level on the same clip:
 *
 * <ul>
 *   <li>counts: the share of (instant, direction) pairs, over the four directions, where the
 *       caption's number of people moving that way is within ±1 of the reference's;
 *   <li>majority: at the instants where the reference has at least {@link #MAJORITY} more people
 *       moving one way than the other along the horizontal, the share whose caption also names more
 *       people moving that way.
 * </ul>
 *
 * <p>The chance level scores the same captions against the reference's other instants (every cyclic
 * shift of {@link #MIN_SHIFT} instants or more, averaged): a model that names directions from how
 * many people it sees, not from how they move, scores there as well as at its own instants, so only
 * the gap between the two is evidence that it sees motion.
 */
final class DirectionScore {
    static final String[] DIRECTIONS = {"left", "right", "up", "down"};
    static final int MAJORITY = 2;
    static final int MIN_SHIFT = 5;

    private final List<Map<String, Integer>> reference = new ArrayList<>();
    private final List<CamCaption> said = new ArrayList<>();

    /** Adds one instant; instants without a reference direction count are skipped. */
    void add(RealReference.Instant at, CamCaption caption) {
        if (!at.directions().isEmpty()) {
            reference.add(at.directions());
            said.add(caption);
        }
    }

    int instants() {
        return reference.size();
    }

    /** Counts within ±1 at the caption's own instant. */
    double counts() {
        return counts(0);
    }

    /** Counts within ±1, the captions shifted against the reference (the chance level). */
    double countsChance() {
        return meanOverShifts(this::counts);
    }

    /** Instants where the reference has a horizontal majority. */
    int majorityInstants() {
        return (int) reference.stream().filter(r -> majority(r) != 0).count();
    }

    double majority() {
        return majority(0);
    }

    double majorityChance() {
        return meanOverShifts(this::majority);
    }

    private double counts(int shift) {
        int n = reference.size();
        int right = 0;
        for (int i = 0; i < n; i++) {
            Map<String, Integer> ref = reference.get(i);
            CamCaption c = said.get((i + shift) % n);
            for (String d : DIRECTIONS) {
                if (Math.abs(c.moving("person", d) - ref.getOrDefault(d, 0)) <= 1) {
                    right++;
                }
            }
        }
        return n == 0 ? 0 : (double) right / (n * DIRECTIONS.length);
    }

    private double majority(int shift) {
        int n = reference.size();
        int asked = 0;
        int right = 0;
        for (int i = 0; i < n; i++) {
            int way = majority(reference.get(i));
            if (way == 0) {
                continue;
            }
            asked++;
            CamCaption c = said.get((i + shift) % n);
            int named = Integer.signum(c.moving("person", "right") - c.moving("person", "left"));
            if (named == way) {
                right++;
            }
        }
        return asked == 0 ? 0 : (double) right / asked;
    }

    /** +1 where at least MAJORITY more move right than left, -1 the other way, else 0. */
    private static int majority(Map<String, Integer> r) {
        int diff = r.getOrDefault("right", 0) - r.getOrDefault("left", 0);
        return Math.abs(diff) >= MAJORITY ? Integer.signum(diff) : 0;
    }

    private double meanOverShifts(java.util.function.IntToDoubleFunction at) {
        int n = reference.size();
        double sum = 0;
        int k = 0;
        for (int shift = MIN_SHIFT; shift <= n - MIN_SHIFT; shift++) {
            sum += at.applyAsDouble(shift);
            k++;
        }
        return k == 0 ? 0 : sum / k;
    }
}

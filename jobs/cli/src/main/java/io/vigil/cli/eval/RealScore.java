package io.vigil.cli.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The real-footage figures, as the bars state them: the people count a caption (and an
 * answer) gives within ±1 of the reference at its instants; captions that name a moving vehicle
 * (none moves in the reference footage); the instants whose caption names every vehicle kind as
 * many times as the reference holds it (and no other vehicle); for each person who crosses the
 * frame, whether the captions during the crossing say a person moves that way; which way people
 * move at each instant, beside its chance level ({@link DirectionScore}); the number of people who
 * have appeared so far, at every instant (the memory) and at the end, and beside it the same
 * answers against the times people came into view (a return counted again); at the end, whether
 * "was a KIND seen?" is answered right for each vehicle kind.
 */
final class RealScore {
    /** A count within this many of the reference's range counts as right. */
    static final int SLACK = 1;

    private final RealReference ref;
    private int instants;
    private int captionCountRight;
    private int answerCountRight;
    private int captions;
    private int malformedCaptions;
    private int leadsMissing; // samples encoded without a lead frame (no motion)
    private int phantomCaptions; // captions naming a kind the reference never has in view
    private final Map<String, Integer> phantoms = new TreeMap<>();
    private final Set<String> kindsInView; // the reference's, once
    private int movingVehicleCaptions;
    private int vehiclesRight;
    private int vehiclesCounted;
    private int directionsNamed; // person directions named, summed over captions
    private int crossings;
    private int directionRight;
    private int namedDuring; // captions during a crossing that name its direction, over crossings
    private int captionsDuring;
    private int namedElsewhere; // the same direction named while no such crossing is under way
    private int captionsElsewhere;
    private int appearedRunningRight;
    private int enteredRunningRight;
    private String appeared = "";
    private boolean appearedRight;
    private int seenAsked;
    private int seenRight;
    private final List<String> seenWrong = new ArrayList<>();
    private final DirectionScore directions = new DirectionScore();

    RealScore(RealReference ref) {
        this.ref = ref;
        this.kindsInView = ref.kindsInView();
    }

    /** Samples of a chunk encoded without their lead frame. */
    void leadsMissing(int n) {
        leadsMissing += n;
    }

    void caption(RealFootageEvaluator.Said s) {
        captions++;
        if (!s.parsed().wellFormed()) {
            malformedCaptions++;
        }
        boolean phantom = false;
        for (Map.Entry<String, Integer> e : s.parsed().counts().entrySet()) {
            if (e.getValue() > 0 && !kindsInView.contains(e.getKey())) {
                phantoms.merge(e.getKey(), 1, Integer::sum);
                phantom = true;
            }
        }
        phantomCaptions += phantom ? 1 : 0;
        if (s.parsed().namesAMovingVehicle()) {
            movingVehicleCaptions++;
        }
        for (String d : DirectionScore.DIRECTIONS) {
            if (s.parsed().moving("person", d) > 0) {
                directionsNamed++;
            }
        }
    }

    void instant(RealReference.Instant at, RealFootageEvaluator.Said s, int answered) {
        instants++;
        if (within(at, s.parsed().count("person"))) {
            captionCountRight++;
        }
        if (answered >= 0 && within(at, answered)) {
            answerCountRight++;
        }
        if (vehiclesMatch(at, s.parsed())) {
            vehiclesRight++;
        }
        if (vehiclesCounted(at, s.parsed())) {
            vehiclesCounted++;
        }
        directions.add(at, s.parsed());
    }

    /** "how many people have appeared" at an instant, against the reference's running count. */
    void appearedAt(RealReference.Instant at, int answered) {
        if (answered >= 0 && ref.appearedBy(at.tS()).containsWithin(answered, SLACK)) {
            appearedRunningRight++;
        }
        if (answered >= 0 && Math.abs(answered - ref.enteredBy(at.tS())) <= SLACK) {
            enteredRunningRight++;
        }
    }

    static boolean vehiclesMatch(RealReference.Instant at, CamCaption said) {
        for (String kind : CamCaption.VEHICLES) {
            if (said.count(kind) != at.vehicles().getOrDefault(kind, 0)) {
                return false;
            }
        }
        return true;
    }

    /** As many vehicles as the reference holds, of any kinds (a car read as a truck passes). */
    static boolean vehiclesCounted(RealReference.Instant at, CamCaption said) {
        int named = 0;
        int held = 0;
        for (String kind : CamCaption.VEHICLES) {
            named += said.count(kind);
            held += at.vehicles().getOrDefault(kind, 0);
        }
        return named == held;
    }

    private static boolean within(RealReference.Instant at, int n) {
        return n >= at.peopleMin() - SLACK && n <= at.peopleMax() + SLACK;
    }

    /**
     * A crossing's direction is right when at least half of the captions while the person is in
     * view name a person moving that way. How often captions name that way while no crossing that
     * way is under way is kept beside it: the check means something only where the two differ.
     */
    void crossings(List<RealFootageEvaluator.Said> said) {
        for (RealReference.Crossing c : ref.crossings()) {
            int during = 0;
            int agree = 0;
            for (RealFootageEvaluator.Said s : said) {
                boolean names = s.parsed().moving("person", c.direction()) > 0;
                if (s.tS() >= c.enterS() && s.tS() <= c.exitS()) {
                    during++;
                    if (names) {
                        agree++;
                    }
                } else if (ref.crossings().stream()
                        .noneMatch(
                                o ->
                                        o.direction().equals(c.direction())
                                                && s.tS() >= o.enterS()
                                                && s.tS() <= o.exitS())) {
                    captionsElsewhere++;
                    namedElsewhere += names ? 1 : 0;
                }
            }
            captionsDuring += during;
            namedDuring += agree;
            if (during > 0) {
                crossings++;
                if (2 * agree >= during) {
                    directionRight++;
                }
            }
        }
    }

    void appeared(String answer) {
        appeared = answer;
        int n = CamCaption.number(answer);
        appearedRight = n >= 0 && ref.peopleTotal().containsWithin(n, SLACK);
    }

    /** "was a KIND seen?" at the end: right when yes/no matches the reference's instants. */
    void seen(String kind, String answer) {
        boolean inReference = ref.instants().stream().anyMatch(i -> i.vehicles().containsKey(kind));
        seenAsked++;
        if (answer.equals(inReference ? "yes" : "no")) {
            seenRight++;
        } else {
            seenWrong.add(kind + ": " + answer);
        }
    }

    private static double rate(int k, int n) {
        return n == 0 ? 0 : (double) k / n;
    }

    String table() {
        return String.format(
                Locale.ROOT,
                "people count within ±%d of the reference: captions %d/%d (%.1f %%), answers %d/%d"
                        + " (%.1f %%)%nsamples without a lead frame (seen without motion): %d of"
                        + " %d%ncaptions naming a kind never in view: %d of %d%s%ncaptions naming a"
                        + " moving vehicle: %d of %d (%d not in the"
                        + " grammar)%nvehicles named as the reference holds them (kind and"
                        + " count): %d/%d instants (%.1f %%); as many vehicles of any kind: %d/%d"
                        + " (%.1f %%)%n"
                        + "crossing people whose direction the captions give: %d/%d"
                        + " (%.1f %%; a caption names %.1f of the 4 directions for people on"
                        + " average, the more the weaker this check; the way named in %.1f %% of the"
                        + " captions during the crossings, in %.1f %% while none that way is under"
                        + " way)%n%s%n\"%s\": %s (reference %d,"
                        + " %d-%d); asked at every instant, within ±%d of the reference's running"
                        + " count at %d/%d (%.1f %%); against the times people came into view, a"
                        + " return counted again (%d by the end), at %d/%d (%.1f %%)%n\"was a KIND seen?\" right for %d of %d vehicle kinds%s%n",
                SLACK,
                captionCountRight,
                instants,
                100 * rate(captionCountRight, instants),
                answerCountRight,
                instants,
                100 * rate(answerCountRight, instants),
                leadsMissing,
                captions,
                phantomCaptions,
                captions,
                phantoms.isEmpty() ? "" : " " + phantoms,
                movingVehicleCaptions,
                captions,
                malformedCaptions,
                vehiclesRight,
                instants,
                100 * rate(vehiclesRight, instants),
                vehiclesCounted,
                instants,
                100 * rate(vehiclesCounted, instants),
                directionRight,
                crossings,
                100 * rate(directionRight, crossings),
                rate(directionsNamed, captions),
                100 * rate(namedDuring, captionsDuring),
                100 * rate(namedElsewhere, captionsElsewhere),
                directionsTable(),
                RealFootageEvaluator.APPEARED,
                appeared,
                ref.peopleTotal().estimate(),
                ref.peopleTotal().min(),
                ref.peopleTotal().max(),
                SLACK,
                appearedRunningRight,
                instants,
                100 * rate(appearedRunningRight, instants),
                ref.entries().size(),
                enteredRunningRight,
                instants,
                100 * rate(enteredRunningRight, instants),
                seenRight,
                seenAsked,
                seenWrong.isEmpty() ? "" : " (wrong: " + String.join(", ", seenWrong) + ")");
    }

    private String directionsTable() {
        if (directions.instants() == 0) {
            return "which way people move: the reference gives no direction counts";
        }
        return String.format(
                Locale.ROOT,
                "which way people move, at %d instants: moving left/right/up/down counts within ±1"
                        + " %.1f %% (chance on this clip %.1f %%); the horizontal majority way named"
                        + " at %.1f %% of the %d instants that have one (chance %.1f %%)",
                directions.instants(),
                100 * directions.counts(),
                100 * directions.countsChance(),
                100 * directions.majority(),
                directions.majorityInstants(),
                100 * directions.majorityChance());
    }

    String json() {
        return String.format(
                Locale.ROOT,
                "{\"mode\":\"real\",\"video\":\"%s\",\"instants\":%d,\"count_caption\":%.4f,"
                        + "\"count_answer\":%.4f,\"captions\":%d,\"leads_missing\":%d,"
                        + "\"phantom_captions\":%d,"
                        + "\"moving_vehicle_captions\":%d,"
                        + "\"malformed_captions\":%d,\"vehicles\":%.4f,\"vehicles_counted\":%.4f,"
                        + "\"crossings\":%d,\"direction\":%.4f,"
                        + "\"directions_per_caption\":%.2f,\"direction_named_during\":%.4f,"
                        + "\"direction_named_elsewhere\":%.4f,\"direction_instants\":%d,"
                        + "\"direction_counts\":%.4f,\"direction_counts_chance\":%.4f,"
                        + "\"direction_majority_instants\":%d,\"direction_majority\":%.4f,"
                        + "\"direction_majority_chance\":%.4f,"
                        + "\"appeared\":\"%s\",\"appeared_right\":%b,\"appeared_running\":%.4f,"
                        + "\"appeared_entries_running\":%.4f,\"seen_vehicles\":%.4f}",
                ref.video().getFileName(),
                instants,
                rate(captionCountRight, instants),
                rate(answerCountRight, instants),
                captions,
                leadsMissing,
                phantomCaptions,
                movingVehicleCaptions,
                malformedCaptions,
                rate(vehiclesRight, instants),
                rate(vehiclesCounted, instants),
                crossings,
                rate(directionRight, crossings),
                rate(directionsNamed, captions),
                rate(namedDuring, captionsDuring),
                rate(namedElsewhere, captionsElsewhere),
                directions.instants(),
                directions.counts(),
                directions.countsChance(),
                directions.majorityInstants(),
                directions.majority(),
                directions.majorityChance(),
                appeared.replace("\"", "'"),
                appearedRight,
                rate(appearedRunningRight, instants),
                rate(enteredRunningRight, instants),
                rate(seenRight, seenAsked));
    }
}

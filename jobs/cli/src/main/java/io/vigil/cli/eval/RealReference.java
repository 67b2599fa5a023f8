package io.vigil.cli.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.cli.common.CliException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A reference for real footage made by looking at its frames ({@code models/reference/}): people in
 * view at fixed instants, which way they move and the vehicles, the people who cross the frame and
 * their direction, the number of distinct people. Read-only; only the fields the scoring needs are
 * read.
 *
 * @param video the footage's path on this machine (the reference's {@code source.path})
 * @param instants in time order
 * @param crossings people who cross the frame
 * @param arrivals when each person the reference follows (crossings and {@code other_tracks}) is
 *     first in view, in seconds, ascending; one person may be two tracks where a re-entry was not
 *     matched, which {@code peopleTotal}'s bounds allow for
 * @param entries every time a person comes into view (a crossing's entry, each {@code in_view}
 *     interval's start of the other tracks: a person who leaves and comes back enters twice), in
 *     seconds, ascending
 * @param peopleTotal distinct people over the whole clip
 */
public record RealReference(
        Path video,
        List<Instant> instants,
        List<Crossing> crossings,
        List<Double> arrivals,
        List<Double> entries,
        Range peopleTotal) {

    public RealReference {
        arrivals = arrivals.stream().sorted().toList();
        entries = entries.stream().sorted().toList();
    }

    /**
     * The kinds the reference ever has in view: person, and each vehicle kind of any instant. A
     * caption naming any other kind names something that is not there.
     */
    public Set<String> kindsInView() {
        Set<String> kinds = new TreeSet<>(Set.of("person"));
        instants.forEach(i -> kinds.addAll(i.vehicles().keySet()));
        return kinds;
    }

    /**
     * Times people came into view by {@code tS}, a return counted again: what a memory that sees
     * where people are but not what they look like can count.
     */
    public int enteredBy(double tS) {
        return (int) entries.stream().filter(e -> e <= tS + 1e-6).count();
    }

    /**
     * People who have appeared by {@code tS}: the tracks first in view by then ({@code estimate}),
     * widened by the clip's own doubt on re-entries (the tracks against {@code peopleTotal}'s
     * bounds), so at the end it is {@code peopleTotal}'s range.
     */
    public Range appearedBy(double tS) {
        int n = (int) arrivals.stream().filter(a -> a <= tS + 1e-6).count();
        int lo = Math.max(0, n - Math.max(0, arrivals.size() - peopleTotal.min()));
        int hi = n + Math.max(0, peopleTotal.max() - arrivals.size());
        return new Range(n, lo, hi);
    }

    /**
     * People in view at {@code tS}: {@code people}, or anything in {@code [min, max]}; the vehicles
     * in view by COCO kind (a van is a {@code truck}), absent kinds not listed; the people by the
     * way they move ({@code left}, {@code right}, {@code up}, {@code down}, {@code standing}),
     * empty where the reference does not say.
     */
    public record Instant(
            double tS,
            int people,
            int peopleMin,
            int peopleMax,
            Map<String, Integer> vehicles,
            Map<String, Integer> directions) {
        public Instant {
            vehicles = Map.copyOf(vehicles);
            directions = Map.copyOf(directions);
        }
    }

    /**
     * One person crossing: in view from {@code enterS} to {@code exitS}, moving {@code direction}.
     */
    public record Crossing(int id, double enterS, double exitS, String direction) {}

    public record Range(int estimate, int min, int max) {
        boolean containsWithin(int n, int slack) {
            return n >= min - slack && n <= max + slack;
        }
    }

    /** "down-left" to its dominant part by {@code axis} (horizontal: left/right, else up/down). */
    static String dominant(String direction, String axis) {
        if (!direction.contains("-")) {
            return direction;
        }
        String[] parts = direction.split("-");
        boolean horizontal = axis.equals("horizontal");
        for (String p : parts) {
            boolean isHorizontal = p.equals("left") || p.equals("right");
            if (isHorizontal == horizontal) {
                return p;
            }
        }
        return parts[0];
    }

    static final List<String> WAYS = List.of("left", "right", "up", "down", "standing");

    /** An instant's {@code directions}: known ways only, counts that sum to its people. */
    private static Map<String, Integer> directions(JsonNode instant, int people) {
        Map<String, Integer> out = new TreeMap<>();
        instant.path("directions")
                .fields()
                .forEachRemaining(
                        e -> {
                            if (!WAYS.contains(e.getKey()) || !e.getValue().canConvertToInt()) {
                                throw new IllegalArgumentException(
                                        "directions." + e.getKey() + " = " + e.getValue());
                            }
                            out.put(e.getKey(), e.getValue().asInt());
                        });
        int sum = out.values().stream().mapToInt(Integer::intValue).sum();
        if (!out.isEmpty() && sum != people) {
            throw new IllegalArgumentException(
                    "the directions at t = "
                            + instant.path("t_s").asText()
                            + " s count "
                            + sum
                            + " people, not "
                            + people);
        }
        return out;
    }

    public static RealReference read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new CliException("cannot read the reference " + file + ": " + e.getMessage(), e);
        }
        try {
            List<Instant> instants = new ArrayList<>();
            for (JsonNode i : root.withArray("instants")) {
                int people = i.get("people").asInt();
                Map<String, Integer> vehicles = new TreeMap<>();
                for (JsonNode v : i.withArray("vehicles")) {
                    vehicles.merge(v.get("coco").asText(), 1, Integer::sum);
                }
                Map<String, Integer> directions = directions(i, people);
                instants.add(
                        new Instant(
                                i.get("t_s").asDouble(),
                                people,
                                i.path("people_min").asInt(people),
                                i.path("people_max").asInt(people),
                                vehicles,
                                directions));
            }
            List<Crossing> crossings = new ArrayList<>();
            for (JsonNode c : root.withArray("crossings")) {
                crossings.add(
                        new Crossing(
                                c.get("id").asInt(),
                                c.get("enter_s").asDouble(),
                                c.get("exit_s").asDouble(),
                                dominant(c.get("direction").asText(), c.path("axis").asText(""))));
            }
            List<Double> arrivals = new ArrayList<>();
            crossings.forEach(c -> arrivals.add(c.enterS()));
            List<Double> entries = new ArrayList<>(arrivals);
            for (JsonNode t : root.withArray("other_tracks")) {
                double first = Double.MAX_VALUE;
                for (JsonNode interval : t.withArray("in_view")) {
                    first = Math.min(first, interval.get(0).asDouble());
                    entries.add(interval.get(0).asDouble());
                }
                if (first < Double.MAX_VALUE) {
                    arrivals.add(first);
                }
            }
            JsonNode total = root.get("people_total");
            int estimate = total.get("estimate").asInt();
            return new RealReference(
                    Path.of(root.get("source").get("path").asText()),
                    instants,
                    crossings,
                    arrivals,
                    entries,
                    new Range(
                            estimate,
                            total.path("min").asInt(estimate),
                            total.path("max").asInt(estimate)));
        } catch (IllegalArgumentException e) {
            throw new CliException("the reference " + file + " is malformed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new CliException(
                    "the reference " + file + " lacks a field the scoring needs: " + e, e);
        }
    }
}

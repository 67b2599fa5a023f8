package io.vigil.cli.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a caption of the real-scene grammar ({@code docs/model-card-cam.md}): groups joined by
 * "and", each {@code NUM NOUN STATE} or {@code NUM NOUN (NUM STATE)+}, where a state is "moving
 * left|right|up|down", "standing" or "parked"; or "nothing in view". Unparsable text reads as no
 * objects, and {@link #wellFormed()} says so.
 *
 * @param counts objects per kind (singular COCO kind: person, car, truck, ...)
 * @param states per kind, objects per state ("left", "right", "up", "down", "still")
 * @param wellFormed whether every word was understood
 */
public record CamCaption(
        Map<String, Integer> counts, Map<String, Map<String, Integer>> states, boolean wellFormed) {

    static final List<String> NUMBERS =
            List.of(
                    "zero",
                    "one",
                    "two",
                    "three",
                    "four",
                    "five",
                    "six",
                    "seven",
                    "eight",
                    "nine",
                    "ten",
                    "eleven",
                    "twelve",
                    "thirteen",
                    "fourteen",
                    "fifteen",
                    "sixteen",
                    "seventeen",
                    "eighteen",
                    "nineteen",
                    "twenty");

    /** Nouns, singular and plural, to their COCO kind. */
    static final Map<String, String> KINDS =
            Map.ofEntries(
                    Map.entry("person", "person"),
                    Map.entry("people", "person"),
                    Map.entry("bicycle", "bicycle"),
                    Map.entry("bicycles", "bicycle"),
                    Map.entry("car", "car"),
                    Map.entry("cars", "car"),
                    Map.entry("motorcycle", "motorcycle"),
                    Map.entry("motorcycles", "motorcycle"),
                    Map.entry("bus", "bus"),
                    Map.entry("buses", "bus"),
                    Map.entry("truck", "truck"),
                    Map.entry("trucks", "truck"),
                    Map.entry("dog", "dog"),
                    Map.entry("dogs", "dog"));

    /** The kinds that are vehicles (the others: person, dog). */
    static final List<String> VEHICLES = List.of("bicycle", "car", "motorcycle", "bus", "truck");

    /** A number word ("many" reads as 21), or -1. */
    static int number(String word) {
        if ("many".equals(word)) {
            return NUMBERS.size();
        }
        return NUMBERS.indexOf(word);
    }

    public static CamCaption parse(String text) {
        String[] w = text.toLowerCase(Locale.ROOT).trim().split("\\s+");
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> states = new LinkedHashMap<>();
        if (String.join(" ", w).equals("nothing in view")) {
            return new CamCaption(counts, states, true);
        }
        boolean ok = true;
        int i = 0;
        while (i < w.length) {
            int n = number(w[i]);
            String kind = i + 1 < w.length ? KINDS.get(w[i + 1]) : null;
            if (n < 0 || kind == null) {
                ok = false;
                break;
            }
            counts.merge(kind, n, Integer::sum);
            Map<String, Integer> byState = states.computeIfAbsent(kind, k -> new LinkedHashMap<>());
            i += 2;
            int[] next = {i};
            String state = state(w, next);
            if (state != null) {
                byState.merge(state, n, Integer::sum);
                i = next[0];
            } else {
                while (i < w.length && number(w[i]) >= 0) {
                    next[0] = i + 1;
                    state = state(w, next);
                    if (state == null) {
                        break;
                    }
                    byState.merge(state, number(w[i]), Integer::sum);
                    i = next[0];
                }
            }
            if (i < w.length) {
                if (!w[i].equals("and")) {
                    ok = false;
                    break;
                }
                i++;
            }
        }
        return new CamCaption(counts, states, ok);
    }

    /** The state at {@code at[0]} ("moving X", "standing", "parked"), advancing it; or null. */
    private static String state(String[] w, int[] at) {
        int i = at[0];
        if (i >= w.length) {
            return null;
        }
        if (w[i].equals("standing") || w[i].equals("parked")) {
            at[0] = i + 1;
            return "still";
        }
        if (w[i].equals("moving") && i + 1 < w.length) {
            String d = w[i + 1];
            if (d.equals("left") || d.equals("right") || d.equals("up") || d.equals("down")) {
                at[0] = i + 2;
                return d;
            }
        }
        return null;
    }

    public int count(String kind) {
        return counts.getOrDefault(kind, 0);
    }

    /** How many of {@code kind} the caption says move in {@code direction}. */
    public int moving(String kind, String direction) {
        return states.getOrDefault(kind, Map.of()).getOrDefault(direction, 0);
    }

    /** Whether it names any of the {@link #VEHICLES} as moving. */
    public boolean namesAMovingVehicle() {
        for (Map.Entry<String, Map<String, Integer>> e : states.entrySet()) {
            if (!VEHICLES.contains(e.getKey())) {
                continue;
            }
            for (String s : e.getValue().keySet()) {
                if (!s.equals("still")) {
                    return true;
                }
            }
        }
        return false;
    }
}

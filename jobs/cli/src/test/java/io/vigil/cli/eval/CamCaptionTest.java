package io.vigil.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CamCaptionTest {

    @Test
    void readsGroupsWithOneStateOrSeveral() {
        CamCaption c =
                CamCaption.parse(
                        "three people one moving left two moving down and one car parked and"
                                + " one truck parked");
        assertThat(c.wellFormed()).isTrue();
        assertThat(c.count("person")).isEqualTo(3);
        assertThat(c.moving("person", "left")).isEqualTo(1);
        assertThat(c.moving("person", "down")).isEqualTo(2);
        assertThat(c.count("car")).isEqualTo(1);
        assertThat(c.count("truck")).isEqualTo(1);
        assertThat(c.namesAMovingVehicle()).isFalse();
    }

    @Test
    void aMovingVehicleIsNoticed() {
        CamCaption c = CamCaption.parse("one person standing and two cars moving right");
        assertThat(c.count("person")).isEqualTo(1);
        assertThat(c.moving("person", "still")).isEqualTo(1);
        assertThat(c.namesAMovingVehicle()).isTrue();
    }

    @Test
    void nothingInViewAndManyAndJunk() {
        assertThat(CamCaption.parse("nothing in view").count("person")).isZero();
        assertThat(CamCaption.parse("nothing in view").wellFormed()).isTrue();
        assertThat(CamCaption.parse("many people moving up").count("person")).isEqualTo(21);
        CamCaption junk = CamCaption.parse("a red car drives left");
        assertThat(junk.wellFormed()).isFalse();
        assertThat(junk.count("car")).isZero();
    }

    @Test
    void scoresInstantsCrossingsAndTheTotalAsTheBarsSayIt() {
        RealReference ref =
                new RealReference(
                        Path.of("clip.avi"),
                        List.of(
                                new RealReference.Instant(0, 3, 3, 3, Map.of(), Map.of()),
                                new RealReference.Instant(2, 5, 4, 6, Map.of("car", 1), Map.of())),
                        List.of(
                                new RealReference.Crossing(1, 0, 2, "left"),
                                new RealReference.Crossing(2, 1, 2, "down")),
                        List.of(1.0, 0.0, 0.0, 3.0), // four tracks, first in view at these times
                        List.of(1.0, 0.0, 0.0, 3.0, 1.5, 1.8), // and two returns into view
                        new RealReference.Range(3, 2, 4)); // one re-entry may be unmatched
        RealScore score = new RealScore(ref);
        List<RealFootageEvaluator.Said> said =
                List.of(
                        said(0, "four people moving left"), // 4 vs 3: within 1
                        said(1, "two people one moving left one moving up"),
                        // 8 vs 4-6; no instant has a dog
                        said(
                                2,
                                "eight people moving left and one car moving left and one dog moving left"));
        said.forEach(score::caption);
        score.instant(ref.instants().get(0), said.get(0), 2); // answer 2 vs 3: within 1
        score.instant(ref.instants().get(1), said.get(2), 9); // answer 9 vs 4-6: wrong
        // 2 tracks by 0 s, so 1-2: 4 is wrong; 2 entries: wrong too
        score.appearedAt(ref.instants().get(0), 4);
        // 3 tracks by 2 s, so 2-3: 4 is within 1; 5 entries: within 1 too
        score.appearedAt(ref.instants().get(1), 4);
        score.crossings(said);
        score.appeared("five"); // 5 vs 2-4: within 1
        score.seen("car", "yes"); // a car at 2 s: right
        score.seen("truck", "yes"); // no truck: wrong
        score.seen("bus", "no"); // right
        score.seen("bicycle", "never"); // not an answer to it: wrong
        assertThat(score.json())
                .contains("\"mode\":\"real\"")
                .contains("\"instants\":2")
                .contains("\"count_caption\":0.5000")
                .contains("\"count_answer\":0.5000")
                .contains("\"captions\":3")
                .contains("\"phantom_captions\":1") // the dog
                .contains("\"moving_vehicle_captions\":1")
                .contains("\"vehicles\":1.0000") // none at 0 s; one car at 2 s
                .contains("\"vehicles_counted\":1.0000")
                .contains("\"crossings\":2")
                .contains("\"direction\":0.5000") // left: 3 of 3; down: 0 of 2
                .contains("\"directions_per_caption\":1.33") // 1 + 2 + 1 directions over 3 captions
                // left named in 3 of 3 captions during its crossing, down in 0 of 2 during its own
                .contains("\"direction_named_during\":0.6000")
                // no caption falls outside the left crossing; down at 0 s, none under way: not
                // named
                .contains("\"direction_named_elsewhere\":0.0000")
                .contains("\"appeared_right\":true")
                .contains("\"appeared_running\":0.5000")
                .contains("\"appeared_entries_running\":0.5000")
                .contains("\"seen_vehicles\":0.5000");
        assertThat(score.table())
                .contains("right for 2 of 4 vehicle kinds (wrong: truck: yes, bicycle: never)")
                .contains("captions naming a kind never in view: 1 of 3 {dog=1}");
    }

    @Test
    void appearedSoFarCountsTracksAndAllowsForUnmatchedReentries() {
        RealReference ref =
                new RealReference(
                        Path.of("clip.avi"),
                        List.of(),
                        List.of(),
                        List.of(5.0, 0.0, 0.0, 9.0, 12.0), // sorted on the way in
                        List.of(5.0, 0.0, 0.0, 9.0, 12.0, 7.0, 30.0),
                        new RealReference.Range(4, 3, 6));
        assertThat(ref.arrivals()).containsExactly(0.0, 0.0, 5.0, 9.0, 12.0);
        assertThat(ref.entries()).containsExactly(0.0, 0.0, 5.0, 7.0, 9.0, 12.0, 30.0);
        assertThat(ref.enteredBy(8)).isEqualTo(4);
        assertThat(ref.enteredBy(80)).isEqualTo(7);
        // 5 tracks for 3-6 people: up to two tracks may be one person, one person may be missing
        assertThat(ref.appearedBy(0)).isEqualTo(new RealReference.Range(2, 0, 3));
        assertThat(ref.appearedBy(9)).isEqualTo(new RealReference.Range(4, 2, 5));
        assertThat(ref.appearedBy(80)).isEqualTo(new RealReference.Range(5, 3, 6));
    }

    @Test
    void vehiclesMustMatchInKindAndCount() {
        RealReference.Instant vanAndCar =
                new RealReference.Instant(0, 3, 3, 3, Map.of("truck", 1, "car", 1), Map.of());
        assertThat(
                        match(
                                vanAndCar,
                                "three people standing and one car parked and one truck parked"))
                .isTrue();
        assertThat(match(vanAndCar, "one car parked and two trucks parked")).isFalse();
        assertThat(match(vanAndCar, "two trucks parked")).isFalse();
        // counted: two vehicles, whatever their kinds
        assertThat(counted(vanAndCar, "two trucks parked")).isTrue();
        assertThat(counted(vanAndCar, "one car parked and one truck parked")).isTrue();
        assertThat(counted(vanAndCar, "one truck parked")).isFalse();
        assertThat(counted(vanAndCar, "one car parked and two trucks parked")).isFalse();
        assertThat(match(vanAndCar, "one car parked and one truck parked and one bus parked"))
                .isFalse();
        assertThat(
                        match(
                                new RealReference.Instant(0, 0, 0, 0, Map.of(), Map.of()),
                                "nothing in view"))
                .isTrue();
    }

    private static boolean match(RealReference.Instant at, String caption) {
        return RealScore.vehiclesMatch(at, CamCaption.parse(caption));
    }

    private static boolean counted(RealReference.Instant at, String caption) {
        return RealScore.vehiclesCounted(at, CamCaption.parse(caption));
    }

    @Test
    void aDiagonalCrossingCountsByItsAxis() {
        assertThat(RealReference.dominant("down-left", "horizontal")).isEqualTo("left");
        assertThat(RealReference.dominant("down-left", "vertical")).isEqualTo("down");
        assertThat(RealReference.dominant("up", "")).isEqualTo("up");
    }

    private static RealFootageEvaluator.Said said(double t, String caption) {
        return new RealFootageEvaluator.Said(t, caption, CamCaption.parse(caption));
    }
}

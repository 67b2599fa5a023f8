package io.vigil.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.cli.common.CliException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectionScoreTest {

    /** Twelve instants: the crowd moves left for six, then right for six. */
    private static Map<String, Integer> at(int i) {
        return i < 6 ? Map.of("left", 4, "right", 0, "standing", 1) : Map.of("left", 0, "right", 4);
    }

    private static RealReference.Instant instant(int i) {
        return new RealReference.Instant(2 * i, 5, 5, 5, Map.of(), at(i));
    }

    @Test
    void captionsThatFollowTheMotionBeatTheirChanceLevel() {
        DirectionScore score = new DirectionScore();
        for (int i = 0; i < 12; i++) {
            score.add(
                    instant(i),
                    CamCaption.parse(
                            i < 6
                                    ? "five people four moving left one standing"
                                    : "four people moving right"));
        }
        assertThat(score.instants()).isEqualTo(12);
        assertThat(score.counts()).isEqualTo(1.0);
        assertThat(score.majorityInstants()).isEqualTo(12);
        assertThat(score.majority()).isEqualTo(1.0);
        // shifted by 5..7 instants, 5/12 .. 7/12 of the captions land on the wrong half
        assertThat(score.majorityChance()).isLessThan(0.6);
        assertThat(score.countsChance()).isLessThan(0.8);
    }

    @Test
    void aCaptionThatNeverChangesScoresOnlyItsChanceLevel() {
        DirectionScore score = new DirectionScore();
        for (int i = 0; i < 12; i++) {
            score.add(
                    instant(i), CamCaption.parse("five people two moving left three moving right"));
        }
        assertThat(score.counts()).isEqualTo(score.countsChance());
        assertThat(score.majority()).isEqualTo(0.5); // right names the majority half the time
        assertThat(score.majorityChance()).isEqualTo(score.majority());
    }

    @Test
    void instantsWithoutReferenceDirectionsAreLeftOut() {
        DirectionScore score = new DirectionScore();
        score.add(new RealReference.Instant(0, 3, 3, 3, Map.of(), Map.of()), CamCaption.parse("x"));
        score.add(instant(0), CamCaption.parse("five people moving left"));
        assertThat(score.instants()).isEqualTo(1);
        // left 5 vs 4, right/up/down 0 vs 0: all within one
        assertThat(score.counts()).isEqualTo(1.0);
    }

    @Test
    void aReferenceWhoseDirectionsDoNotAddUpIsRefused(@TempDir Path dir) throws Exception {
        String instant = "{\"t_s\": 2, \"people\": 5, \"vehicles\": [], \"directions\": %s}";
        String file =
                "{\"source\": {\"path\": \"clip.avi\"}, \"instants\": [%s], \"crossings\": [],"
                        + " \"people_total\": {\"estimate\": 5}}";
        Path good = dir.resolve("good.json");
        Files.writeString(
                good, file.formatted(instant.formatted("{\"left\": 4, \"standing\": 1}")));
        assertThat(RealReference.read(good).instants().get(0).directions())
                .isEqualTo(Map.of("left", 4, "standing", 1));
        Path sum = dir.resolve("sum.json");
        Files.writeString(sum, file.formatted(instant.formatted("{\"left\": 4}")));
        assertThatThrownBy(() -> RealReference.read(sum))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("the directions at t = 2 s count 4 people, not 5");
        Path word = dir.resolve("word.json");
        Files.writeString(word, file.formatted(instant.formatted("{\"sideways\": 5}")));
        assertThatThrownBy(() -> RealReference.read(word))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("directions.sideways = 5");
    }
}

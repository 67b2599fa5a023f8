package io.vigil.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class EvalScoreTest {

    /** {@code hits} right captions then {@code misses} wrong ones, as one short video. */
    private static void video(EvalScore score, int hits, int misses) {
        for (int i = 0; i < hits; i++) {
            score.caption(true, 0.9f);
        }
        for (int i = 0; i < misses; i++) {
            score.caption(false, 0.4f);
        }
        score.video(false, hits + misses);
    }

    @Test
    void videosAllAlikeGiveAnIntervalOfNoWidth() {
        EvalScore score = new EvalScore();
        for (int v = 0; v < 10; v++) {
            video(score, 9, 1);
        }

        double[] ci = score.captionInterval();

        assertThat(ci[0]).isCloseTo(0.9, within(1e-12));
        assertThat(ci[1]).isCloseTo(0.9, within(1e-12));
    }

    @Test
    void unevenVideosGiveAnIntervalAroundThePooledRate() {
        EvalScore score = new EvalScore();
        for (int v = 0; v < 20; v++) {
            video(score, v % 4 == 0 ? 30 : 48, v % 4 == 0 ? 18 : 0); // 5 poor videos
        }

        double[] ci = score.captionInterval();

        double pooled = score.captions().rate();
        assertThat(pooled).isCloseTo((5 * 30 + 15 * 48) / 960.0, within(1e-12));
        assertThat(ci[0]).isLessThan(pooled - 0.02);
        assertThat(ci[1]).isGreaterThan(pooled + 0.02).isLessThanOrEqualTo(1.0);
        assertThat(score.captionInterval()).as("deterministic").containsExactly(ci);
    }

    @Test
    void longVideosAndMergesKeepEachShortVideoApart() {
        EvalScore a = new EvalScore();
        video(a, 10, 0);
        a.question("first", true, true);
        a.video(true, 100); // a long video has no captions: it adds no row
        EvalScore b = new EvalScore();
        video(b, 0, 10);

        a.merge(b);

        double[] ci = a.captionInterval();
        assertThat(a.videos()).isEqualTo(2);
        assertThat(ci[0]).isEqualTo(0.0);
        assertThat(ci[1]).isEqualTo(1.0);
        assertThat(a.table())
                .contains("95% interval over videos  0.0-100.0%  (bootstrap over 2 videos)");
    }

    @Test
    void noCaptionsGiveNoIntervalAndABadLevelIsRefused() {
        assertThat(new EvalScore().captionInterval()).containsExactly(Double.NaN, Double.NaN);
        assertThat(new EvalScore().table()).doesNotContain("interval");
        assertThatThrownBy(() -> VideoBootstrap.interval(List.of(new long[] {1, 2}), 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("level");
    }
}

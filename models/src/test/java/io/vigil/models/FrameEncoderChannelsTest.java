package io.vigil.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encoder's input channels follow the manifest: 3 without a lead, 6 with one ({@code
 * frame.lead_ms}): vigil-tiny's graph runs as C = 3 and is refused when a manifest declares a lead
 * for it; vigil-cam's (which declares one) runs as C = 6 and refuses a lone frame.
 */
class FrameEncoderChannelsTest {

    @Test
    void withoutALeadTheEncoderTakesThreeChannels() {
        Manifest m = Manifest.load(TestModels.modelDir());
        try (FrameEncoder enc = FrameEncoder.open(m, ModelOptions.defaults())) {
            int h = m.frameHeight();
            int w = m.frameWidth();
            assertThat(enc.channels()).isEqualTo(3);
            assertThat(enc.frameSize())
                    .isEqualTo(3 * h * w)
                    .isEqualTo(m.preprocessor().frameSize());
            assertThat(enc.encode(List.of(new float[enc.frameSize()]))[0]).hasSize(m.tokenDim());
            // a paired [6, H, W] input is not this model's
            assertThatThrownBy(() -> enc.encode(List.of(new float[6 * h * w])))
                    .isInstanceOf(ModelException.class)
                    .hasMessageContaining(6 * h * w + " floats")
                    .hasMessageContaining("[3, " + h + ", " + w + "]");
        }
    }

    @Test
    void withALeadTheEncoderTakesEachSampleWithItsLeadFrame() {
        Path cam = TestModels.repoRoot().resolve("models").resolve("vigil-cam");
        Manifest m = Manifest.load(cam);
        assertThat(m.leadMs()).isPositive();
        try (FrameEncoder enc = FrameEncoder.open(m, ModelOptions.defaults())) {
            int h = m.frameHeight();
            int w = m.frameWidth();
            assertThat(enc.channels()).isEqualTo(6);
            assertThat(enc.frameSize()).isEqualTo(2 * m.preprocessor().frameSize());
            float[][] tokens = enc.encode(List.of(new float[6 * h * w], new float[6 * h * w]));
            assertThat(tokens).hasNumberOfRows(2);
            assertThat(tokens[0]).hasSize(m.tokenDim()).containsExactly(tokens[1]);
            assertThatThrownBy(() -> enc.encode(List.of(new float[3 * h * w])))
                    .isInstanceOf(ModelException.class)
                    .hasMessageContaining("[6, " + h + ", " + w + "]");
        }
    }

    @Test
    void aLeadOnAThreeChannelGraphIsRefusedWhenItOpens(@TempDir Path dir) throws IOException {
        TestModels.copyModel(dir);
        TestModels.addLead(dir, 500);
        Manifest m = Manifest.load(dir);
        assertThat(m.inputChannels()).isEqualTo(6);
        assertThatThrownBy(() -> FrameEncoder.open(m, ModelOptions.defaults()))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("takes 3 channels")
                .hasMessageContaining("gives 6")
                .hasMessageContaining("lead_ms = 500");
    }
}

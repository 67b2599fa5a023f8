package io.vigil.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.models.video.FramePreprocessor;
import io.vigil.models.video.FrameSampler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Manifest parsing and file checks on a synthetic model folder (no ONNX needed). */
class ManifestTest {
    @TempDir Path dir;

    static final String MANIFEST =
            """
            {
              "name": "vigil-test", "version": "7",
              "frame": {"height": 64, "width": 48, "channels": "RGB", "resize": "box",
                        "mean": [0.5, 0.4, 0.3], "std": [0.25, 0.2, 0.1]},
              "sample_fps": 1.0,
              "token_dim": 128,
              "mamba": {"layers": 4, "d_model": 128, "d_inner": 256, "d_conv": 4, "d_state": 16},
              "vocab_size": 7,
              "tokenizer": {"type": "word", "file": "vocab.json"},
              "special_tokens": {"pad": 0, "unk": 1, "eos": 2, "caption": 3, "question": 4, "answer": 5},
              "max_text_tokens": 16,
              "graphs": {"encoder": "encoder.onnx", "step": "decoder_step.onnx"},
              "files": {"encoder.onnx": "%s", "decoder_step.onnx": "%s", "vocab.json": "%s"},
              "training": {"ignored": true}
            }
            """;

    @BeforeEach
    void writeModel() throws IOException {
        write("encoder.onnx", "not really an encoder");
        write("decoder_step.onnx", "not really a decoder");
        write(
                "vocab.json",
                "{\"tokens\": [\"<pad>\", \"<unk>\", \"<eos>\", \"<cap>\", \"<q>\", \"<a>\","
                        + " \"red\"]}");
        writeManifest(MANIFEST);
    }

    void write(String name, String content) throws IOException {
        Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    void writeManifest(String template) throws IOException {
        write(
                "manifest.json",
                String.format(
                        template,
                        Manifest.sha256(dir.resolve("encoder.onnx")),
                        Manifest.sha256(dir.resolve("decoder_step.onnx")),
                        Manifest.sha256(dir.resolve("vocab.json"))));
    }

    @Test
    void loadsEveryField() {
        Manifest m = Manifest.load(dir);
        assertThat(m.id()).isEqualTo("vigil-test@7");
        assertThat(m.frameHeight()).isEqualTo(64);
        assertThat(m.frameWidth()).isEqualTo(48);
        assertThat(m.mean()).containsExactly(0.5f, 0.4f, 0.3f);
        assertThat(m.std()).containsExactly(0.25f, 0.2f, 0.1f);
        assertThat(m.sampleFps()).isEqualTo(1.0);
        assertThat(m.tokenDim()).isEqualTo(128);
        assertThat(m.mamba()).isEqualTo(new MambaConfig(4, 128, 256, 4, 16));
        assertThat(m.vocabSize()).isEqualTo(7);
        assertThat(m.specialTokens()).isEqualTo(new SpecialTokens(0, 1, 2, 3, 4, 5));
        assertThat(m.maxTextTokens()).isEqualTo(16);
        assertThat(m.graphs().encoder()).isEqualTo("encoder.onnx");
        assertThat(m.graphs().step()).isEqualTo("decoder_step.onnx");
        assertThat(m.tokenizer().file()).isEqualTo("vocab.json");
        assertThat(m.files()).containsOnlyKeys("encoder.onnx", "decoder_step.onnx", "vocab.json");
        assertThat(Tokenizer.load(m).decode(new int[] {6})).isEqualTo("red");
        assertThat(m.leadMs()).isZero(); // absent: no lead
        assertThat(m.inputChannels()).isEqualTo(3);
        assertThat(m.sampler()).isEqualTo(new FrameSampler(1.0));
    }

    @Test
    void aLeadIsReadWithItsChannelsAndSampler() throws IOException {
        writeManifest(
                MANIFEST.replace("\"resize\": \"box\",", "\"resize\": \"box\", \"lead_ms\": 500,"));
        Manifest m = Manifest.load(dir);
        assertThat(m.leadMs()).isEqualTo(500);
        assertThat(m.inputChannels()).isEqualTo(6);
        assertThat(m.sampler()).isEqualTo(FrameSampler.start(1.0, 500));
        assertThat(m.sampler().nextSampleMs()).isEqualTo(500);
        assertThat(m.preprocessor().frameSize()).isEqualTo(3 * 64 * 48); // one frame's part

        writeManifest(
                MANIFEST.replace("\"resize\": \"box\",", "\"resize\": \"box\", \"lead_ms\": 0,"));
        assertThat(Manifest.load(dir).leadMs()).isZero();
        assertThat(Manifest.load(dir).inputChannels()).isEqualTo(3);
    }

    @Test
    void aLeadOutOfRangeIsRefused() throws IOException {
        for (String bad : new String[] {"-100", "1000", "2500", "250.5"}) {
            writeManifest(
                    MANIFEST.replace(
                            "\"resize\": \"box\",",
                            "\"resize\": \"box\", \"lead_ms\": " + bad + ","));
            assertThatThrownBy(() -> Manifest.load(dir))
                    .as(bad)
                    .isInstanceOf(ModelException.class)
                    .hasMessageContaining("is invalid")
                    .hasMessageContaining("frame.lead_ms")
                    .hasMessageContaining("1000.0")
                    .hasMessageContaining("got " + Double.parseDouble(bad));
        }
        // at 2 samples a second a lead must be shorter than 500 ms
        writeManifest(
                MANIFEST.replace("\"sample_fps\": 1.0", "\"sample_fps\": 2.0")
                        .replace("\"resize\": \"box\",", "\"resize\": \"box\", \"lead_ms\": 500,"));
        assertThatThrownBy(() -> Manifest.load(dir))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("1000 / sample_fps = 500.0");
    }

    @Test
    void hashMismatchNamesFileExpectedAndActual() throws IOException {
        String expected = Manifest.sha256(dir.resolve("decoder_step.onnx"));
        write("decoder_step.onnx", "tampered");
        String actual = Manifest.sha256(dir.resolve("decoder_step.onnx"));
        assertThatThrownBy(() -> Manifest.load(dir))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("sha256 mismatch")
                .hasMessageContaining("decoder_step.onnx")
                .hasMessageContaining("expected " + expected)
                .hasMessageContaining("actual " + actual);
    }

    @Test
    void aCheckedFolderIsSharedUntilAFileChanges() throws IOException {
        Manifest first = Manifest.load(dir);
        assertThat(Manifest.load(dir)).isSameAs(first); // checked once per folder and process
        write("decoder_step.onnx", "tampered after the first check");
        assertThatThrownBy(() -> Manifest.load(dir))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("sha256 mismatch");
    }

    @Test
    void missingFileIsNamed() throws IOException {
        Files.delete(dir.resolve("vocab.json"));
        assertThatThrownBy(() -> Manifest.load(dir))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("vocab.json")
                .hasMessageContaining("missing");
    }

    @Test
    void missingManifestIsNamed() throws IOException {
        Files.delete(dir.resolve("manifest.json"));
        assertThatThrownBy(() -> Manifest.load(dir))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("no manifest.json");
    }

    @Test
    void brokenJsonIsReported() throws IOException {
        write("manifest.json", "{ \"name\": ");
        assertThatThrownBy(() -> Manifest.load(dir))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("cannot parse manifest.json");
    }

    @Test
    void missingFieldIsNamed() throws IOException {
        writeManifest(MANIFEST.replace("\"token_dim\": 128,", ""));
        assertThatThrownBy(() -> Manifest.load(dir))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("token_dim");
    }

    @Test
    void graphWithoutHashIsRefused() throws IOException {
        writeManifest(MANIFEST.replace("\"encoder.onnx\": \"%s\"", "\"other.onnx\": \"%s\""));
        assertThatThrownBy(() -> Manifest.load(dir))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("files lists encoder.onnx");
    }

    @Test
    void aPadFitIsReadAndABadOneRefused() throws IOException {
        assertThat(Manifest.load(dir).preprocessor().fit())
                .isEqualTo(FramePreprocessor.Fit.STRETCH);
        writeManifest(
                MANIFEST.replace(
                        "\"resize\": \"box\",",
                        "\"resize\": \"box\", \"fit\": \"pad\", \"fit_tolerance\": 0.1,"));
        FramePreprocessor pre = Manifest.load(dir).preprocessor();
        assertThat(pre.fit()).isEqualTo(FramePreprocessor.Fit.PAD);
        // 64 x 48 (H x W): a square frame is 1/0.75 = 33 % off, padded; 0.7 is 7 %, stretched
        assertThat(pre.contentBox(100, 100)).containsExactly(8, 0, 48, 48);
        assertThat(pre.contentBox(70, 100)).containsExactly(0, 0, 64, 48);
        for (String bad :
                new String[] {
                    "\"fit\": \"crop\",", "\"fit_tolerance\": 1.5,", "\"fit_tolerance\": -0.1,"
                }) {
            writeManifest(MANIFEST.replace("\"resize\": \"box\",", "\"resize\": \"box\", " + bad));
            assertThatThrownBy(() -> Manifest.load(dir))
                    .as(bad)
                    .isInstanceOf(ModelException.class)
                    .hasMessageContaining(bad.contains("crop") ? "crop" : "frame.fit_tolerance");
        }
    }

    @Test
    void otherResizeIsRefused() throws IOException {
        writeManifest(MANIFEST.replace("\"box\"", "\"bilinear\""));
        assertThatThrownBy(() -> Manifest.load(dir))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("bilinear");
    }

    @Test
    void vocabularySizeMustMatch() throws IOException {
        writeManifest(MANIFEST.replace("\"vocab_size\": 7", "\"vocab_size\": 8"));
        Manifest m = Manifest.load(dir);
        assertThatThrownBy(() -> Tokenizer.load(m))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("vocab_size=8");
    }
}

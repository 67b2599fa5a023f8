package io.vigil.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.models.video.ChunkDecoder;
import io.vigil.models.video.DecodedFrame;
import io.vigil.models.video.FrameSampler;
import io.vigil.schemas.Container;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shipped model watches the committed golden clip ({@code golden/clip.ts}, H.264 in MPEG-TS)
 * through the pipeline's own Java path: ChunkDecoder, FrameSampler at the manifest's rate,
 * FramePreprocessor, FrameEncoder, MambaDecoder. After each sample its caption must equal the
 * generator's ground truth ({@code golden/truth.json}), and so must its answers.
 */
@Timeout(300)
class GoldenClipTest {
    private static final Logger LOG = LoggerFactory.getLogger(GoldenClipTest.class);

    static Path dir;
    static JsonNode truth;
    static VigilModel model;

    @BeforeAll
    static void load() throws IOException {
        String override = System.getProperty("vigil.golden.dir");
        dir = override != null ? Path.of(override) : TestModels.resources("golden");
        assumeTrue(Files.isRegularFile(dir.resolve("clip.ts")), "no golden clip in " + dir);
        assumeTrue(TestModels.modelPresent(), "no model at " + TestModels.modelDir());
        truth = new ObjectMapper().readTree(dir.resolve("truth.json").toFile());
        model = VigilModel.load(TestModels.modelDir());
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    /** The samples the pipeline would take from the clip, preprocessed: each [3, H, W]. */
    static List<float[]> samples() throws IOException {
        byte[] clip = Files.readAllBytes(dir.resolve("clip.ts"));
        List<DecodedFrame> frames = new ChunkDecoder().decode(clip, Container.MPEGTS, 0);
        assertThat(frames).hasSize(truth.get("frames").asInt());
        FrameSampler sampler = new FrameSampler(model.manifest().sampleFps());
        FramePreprocessor pre = model.preprocessor();
        List<float[]> out = new ArrayList<>();
        for (DecodedFrame f : frames) {
            if (sampler.accept(f.ptsMs())) {
                assertThat(f.ptsMs()).isEqualTo(out.size() * 1000L);
                out.add(pre.preprocess(f.rgb(), f.width(), f.height()));
            }
        }
        return out;
    }

    @Test
    void captionsAndAnswersEqualTheGroundTruth() throws IOException {
        List<float[]> samples = samples();
        assertThat(samples).hasSize(truth.get("samples").asInt());
        float[][] tokens = model.encoder().encode(samples); // [T, D]

        List<String> expected = new ArrayList<>();
        truth.get("captions").forEach(c -> expected.add(c.asText()));
        List<String> got = new ArrayList<>();
        List<String> answerMismatches = new ArrayList<>();
        int answers = 0;
        StreamState live = model.newState();
        for (int k = 0; k < tokens.length; k++) {
            model.decoder().stepFrame(live, tokens[k]);
            got.add(model.generator().caption(live));
            for (JsonNode q : truth.get("questions")) {
                if (q.get("sample").asInt() == k) {
                    answers++;
                    String a = model.generator().answer(live, q.get("question").asText());
                    if (!a.equals(q.get("answer").asText())) {
                        answerMismatches.add(
                                String.format(
                                        "sample %d: %s -> %s (truth %s)",
                                        k,
                                        q.get("question").asText(),
                                        a,
                                        q.get("answer").asText()));
                    }
                }
            }
        }
        int ok = 0;
        for (int k = 0; k < got.size(); k++) {
            boolean same = got.get(k).equals(expected.get(k));
            ok += same ? 1 : 0;
            LOG.info(
                    "golden sample {} {}: {}{}",
                    k,
                    same ? "OK " : "BAD",
                    got.get(k),
                    same ? "" : "  (truth: " + expected.get(k) + ")");
        }
        LOG.info(
                "golden: captions {}/{} exact, answers {}/{} exact",
                ok,
                got.size(),
                answers - answerMismatches.size(),
                answers);
        assertThat(live.framesSeen()).isEqualTo(tokens.length);
        assertThat(got).containsExactlyElementsOf(expected);
        assertThat(answerMismatches).isEmpty();
    }
}

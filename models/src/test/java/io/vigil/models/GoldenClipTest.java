package io.vigil.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.models.video.ChunkDecoder;
import io.vigil.models.video.FramePreprocessor;
import io.vigil.models.video.FrameSampler;
import io.vigil.models.video.SampledFrame;
import io.vigil.schemas.Container;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shipped model watches the committed golden clip ({@code golden/clip.ts}, H.264 in MPEG-TS)
 * through the pipeline's own Java path: ChunkDecoder, FrameSampler at the manifest's rate,
 * FramePreprocessor, FrameEncoder, MambaDecoder.
 *
 * <ul>
 *   <li>Its caption after each sample must equal the Python reference pipeline's ({@code
 *       golden/expected.json}, written by {@code export.py} with ffmpeg + onnxruntime) exactly.
 *   <li>Its answers must equal the generator's ground truth ({@code golden/truth.json}).
 *   <li>Its captions must name the objects the ground truth names (see the test for how far).
 * </ul>
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
        assertThat(dir.resolve("clip.ts")).as("golden clip").isRegularFile();
        assertThat(TestModels.modelPresent()).as("model at %s", TestModels.modelDir()).isTrue();
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
        FrameSampler sampler = model.manifest().sampler();
        FramePreprocessor pre = model.preprocessor();
        ChunkDecoder.Sampled sampled =
                new ChunkDecoder().sample(clip, Container.MPEGTS, 0, sampler, pre);
        assertThat(sampled.inChunk()).isEqualTo(truth.get("frames").asInt());
        List<float[]> out = new ArrayList<>();
        for (SampledFrame f : sampled.frames()) {
            assertThat(f.ptsMs()).isEqualTo(out.size() * 1000L);
            out.add(f.pixels());
        }
        return out;
    }

    /** The Java pipeline's caption after each sample, and its answers to the truth's questions. */
    record Answered(JsonNode question, String answer) {}

    record Run(List<String> captions, List<Answered> answers, long framesSeen) {}

    static Run run() throws IOException {
        List<float[]> samples = samples();
        assertThat(samples).hasSize(truth.get("samples").asInt());
        float[][] tokens = model.encoder().encode(samples); // [T, D]
        List<String> captions = new ArrayList<>();
        List<Answered> answers = new ArrayList<>();
        StreamState live = model.newState();
        for (int k = 0; k < tokens.length; k++) {
            model.decoder().stepFrame(live, tokens[k]);
            captions.add(model.generator().caption(live));
            for (JsonNode q : truth.get("questions")) {
                if (q.get("sample").asInt() == k) {
                    answers.add(
                            new Answered(
                                    q, model.generator().answer(live, q.get("question").asText())));
                }
            }
        }
        return new Run(captions, answers, live.framesSeen());
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(c -> out.add(c.asText()));
        return out;
    }

    @Test
    void captionsEqualThePythonReferencePipeline() throws IOException {
        Path file = dir.resolve("expected.json");
        assertThat(file).as("Python reference captions").isRegularFile();
        JsonNode expected = new ObjectMapper().readTree(file.toFile());
        assertThat(expected.get("model_version").asText())
                .as("expected.json was written for another model than %s", model.id())
                .isEqualTo(model.manifest().version());
        Run run = run();
        assertThat(run.framesSeen()).isEqualTo(truth.get("samples").asLong());
        assertThat(run.captions()).containsExactlyElementsOf(texts(expected.get("captions")));
        if (expected.has("answers")) {
            assertThat(run.answers().stream().map(Answered::answer).toList())
                    .containsExactlyElementsOf(texts(expected.get("answers")));
        }
    }

    @Test
    void answersEqualTheGroundTruth() throws IOException {
        Run run = run();
        List<String> mismatches = new ArrayList<>();
        for (Answered qa : run.answers()) {
            JsonNode q = qa.question();
            if (!qa.answer().equals(q.get("answer").asText())) {
                mismatches.add(
                        String.format(
                                "sample %d: %s -> %s (truth %s)",
                                q.get("sample").asInt(),
                                q.get("question").asText(),
                                qa.answer(),
                                q.get("answer").asText()));
            }
        }
        LOG.info(
                "golden: answers {}/{} exact",
                run.answers().size() - mismatches.size(),
                run.answers().size());
        assertThat(run.answers()).hasSize(truth.get("questions").size());
        assertThat(mismatches).isEmpty();
    }

    /** "red ball", "blue car", ...: what a caption says is in view, without how it moves. */
    static List<String> objects(String caption) {
        List<String> out = new ArrayList<>();
        Matcher m = OBJECT.matcher(caption);
        while (m.find()) {
            out.add(m.group());
        }
        Collections.sort(out);
        return out;
    }

    private static final Pattern OBJECT =
            Pattern.compile("\\b(red|green|blue|yellow) (person|people|car|cars|ball|balls)\\b");

    /**
     * Against the ground truth: vigil-tiny@6 names the objects in view on every sample of the clip
     * and its captions are exact on 15 of 16 (it calls the car moving on its first stopped
     * sample; @4 and @5 also had 15, @2 and @3 12 of 16; docs/model-card.md: caption exact match
     * 96.1% held out). The test holds it to at least {@value #MIN_OBJECT_AGREEMENT_PERCENT}% of
     * samples naming the truth's objects and {@value #MIN_EXACT_PERCENT}% exact captions.
     */
    @Test
    void captionsNameTheObjectsInViewAsTheTruthDoes() throws IOException {
        Run run = run();
        List<String> expected = texts(truth.get("captions"));
        assertThat(run.captions()).hasSameSizeAs(expected);
        int exact = 0;
        int objects = 0;
        for (int k = 0; k < expected.size(); k++) {
            String got = run.captions().get(k);
            boolean same = got.equals(expected.get(k));
            exact += same ? 1 : 0;
            objects += objects(got).equals(objects(expected.get(k))) ? 1 : 0;
            LOG.info(
                    "golden sample {} {}: {}{}",
                    k,
                    same ? "OK " : "BAD",
                    got,
                    same ? "" : "  (truth: " + expected.get(k) + ")");
        }
        LOG.info(
                "golden: captions {}/{} exact, objects {}/{}",
                exact,
                expected.size(),
                objects,
                expected.size());
        assertThat(objects * 100)
                .as("samples whose caption names the truth's objects, of %d", expected.size())
                .isGreaterThanOrEqualTo(MIN_OBJECT_AGREEMENT_PERCENT * expected.size());
        assertThat(exact * 100)
                .as("samples whose caption equals the truth's, of %d", expected.size())
                .isGreaterThanOrEqualTo(MIN_EXACT_PERCENT * expected.size());
    }

    static final int MIN_OBJECT_AGREEMENT_PERCENT = 100;
    static final int MIN_EXACT_PERCENT = 85;
}

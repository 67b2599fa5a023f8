package io.vigil.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped model, run through ONNX Runtime: loading, batching, state handling. */
class VigilModelTest {
    static VigilModel model;

    @BeforeAll
    static void load() {
        assertThat(TestModels.modelPresent()).as("model at %s", TestModels.modelDir()).isTrue();
        model = VigilModel.load(TestModels.modelDir());
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    /** T frame tokens of a random "video": encoder outputs of random frames. */
    static float[][] tokens(long seed, int t) {
        Random r = new Random(seed);
        List<float[]> frames = new ArrayList<>();
        for (int i = 0; i < t; i++) {
            frames.add(TestModels.gaussian(r, model.encoder().frameSize(), 1f));
        }
        return model.encoder().encode(frames);
    }

    static StreamState watched(long seed, int frames) {
        StreamState s = model.newState();
        for (float[] tok : tokens(seed, frames)) {
            model.decoder().stepFrame(s, tok);
        }
        return s;
    }

    @Test
    void loadsTheManifestAndRunsOnCpu() {
        Manifest m = model.manifest();
        assertThat(model.id()).isEqualTo(m.name() + "@" + m.version());
        assertThat(model.provider()).isEqualTo("CPU");
        assertThat(model.tokenizer().vocabSize()).isEqualTo(m.vocabSize());
        assertThat(model.decoder().config()).isEqualTo(m.mamba());
        assertThat(model.encoder().tokenDim()).isEqualTo(m.tokenDim());
    }

    @Test
    void askingForTheGpuWithoutOneFallsBackToCpu() {
        try (VigilModel gpu =
                VigilModel.load(TestModels.modelDir(), ModelOptions.defaults().withUseGpu(true))) {
            // on the CPU artifact (or without CUDA) the sessions run on CPU and give the same
            // tokens
            float[][] a = gpu.encoder().encode(List.of(new float[gpu.encoder().frameSize()]));
            float[][] b = model.encoder().encode(List.of(new float[gpu.encoder().frameSize()]));
            assertThat(TestModels.maxAbsDiff(a[0], b[0])).isLessThanOrEqualTo(1e-4f);
            assertThat(gpu.provider()).isIn("CPU", "CUDA");
        }
    }

    @Test
    void encoderBatchEqualsSingleFrames() {
        Random r = new Random(11);
        List<float[]> frames = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            frames.add(TestModels.gaussian(r, model.encoder().frameSize(), 1f));
        }
        float[][] batch = model.encoder().encode(frames);
        assertThat(batch).hasNumberOfRows(5);
        for (int i = 0; i < 5; i++) {
            assertThat(batch[i]).hasSize(model.encoder().tokenDim());
            assertThat(
                            TestModels.maxAbsDiff(
                                    batch[i], model.encoder().encode(List.of(frames.get(i)))[0]))
                    .isLessThanOrEqualTo(1e-5f);
        }
        assertThat(model.encoder().encode(List.of())).isEmpty();
    }

    @Test
    void batchOfBStepsEqualsBSingleSteps() {
        int b = 4;
        List<StreamState> batched = new ArrayList<>();
        List<StreamState> single = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            StreamState s = watched(100 + i, 3 + i); // different histories
            batched.add(s);
            single.add(s.copy());
        }
        float[][] tok = tokens(7, b);
        float[][] logits = model.decoder().stepFrames(batched, tok);
        int[] ids = {model.tokenizer().caption(), 7, 9, model.tokenizer().question()};
        float[][] textLogits = stepText(model.decoder(), batched, ids);
        for (int i = 0; i < b; i++) {
            float[] one = model.decoder().stepFrame(single.get(i), tok[i]);
            assertThat(TestModels.maxAbsDiff(logits[i], one)).isLessThanOrEqualTo(1e-5f);
            float[] oneText = stepText(model.decoder(), single.get(i), ids[i]);
            assertThat(TestModels.maxAbsDiff(textLogits[i], oneText)).isLessThanOrEqualTo(1e-5f);
            StreamState x = batched.get(i);
            StreamState y = single.get(i);
            assertThat(TestModels.maxAbsDiff(x.conv(), y.conv())).isLessThanOrEqualTo(1e-5f);
            assertThat(TestModels.maxAbsDiff(x.ssm(), y.ssm())).isLessThanOrEqualTo(1e-5f);
            assertThat(x.framesSeen()).isEqualTo(y.framesSeen()).isEqualTo(3 + i + 1);
        }
    }

    @Test
    void mixedFrameAndTextBatchEqualsSingles() {
        StreamState a = watched(1, 2);
        StreamState b = watched(2, 2);
        StreamState a1 = a.copy();
        StreamState b1 = b.copy();
        float[] tok = tokens(3, 1)[0];
        float[][] logits =
                model.decoder()
                        .step(
                                List.of(a, b),
                                new float[][] {tok, null},
                                new int[] {0, model.tokenizer().caption()},
                                new boolean[] {true, false});
        assertThat(TestModels.maxAbsDiff(logits[0], model.decoder().stepFrame(a1, tok)))
                .isLessThanOrEqualTo(1e-5f);
        assertThat(
                        TestModels.maxAbsDiff(
                                logits[1],
                                stepText(model.decoder(), b1, model.tokenizer().caption())))
                .isLessThanOrEqualTo(1e-5f);
        assertThat(a.framesSeen()).isEqualTo(3);
        assertThat(b.framesSeen()).isEqualTo(2);
    }

    @Test
    void framesChangeTheStateAndCountTextDoesNotCount() {
        StreamState s = model.newState();
        float[] logits = model.decoder().stepFrame(s, tokens(5, 1)[0]);
        assertThat(logits).hasSize(model.manifest().vocabSize());
        assertThat(s.framesSeen()).isEqualTo(1);
        assertThat(s).isNotEqualTo(model.newState());
        stepText(model.decoder(), s, model.tokenizer().caption());
        assertThat(s.framesSeen()).isEqualTo(1);
    }

    @Test
    void captionsAndAnswersNeverTouchTheLiveState() {
        StreamState live = watched(21, 6);
        byte[] before = live.toBytes();
        String caption = model.generator().caption(live);
        String answer = model.generator().answer(live, "What entered last?");
        model.generator().answer(live, "how many zebras were seen");
        model.generator().captions(List.of(live, live));
        assertThat(live.toBytes()).isEqualTo(before);
        // deterministic: the same state gives the same text
        assertThat(model.generator().caption(live)).isEqualTo(caption);
        assertThat(model.generator().answer(live, "What entered last?")).isEqualTo(answer);
        assertThat(caption.split(" ").length).isLessThanOrEqualTo(model.manifest().maxTextTokens());
    }

    @Test
    void captionEqualsAGreedyLoopOverArraySteps() {
        // TextSteps keeps the copy inside ONNX Runtime; a plain loop over stepText must agree
        Tokenizer tok = model.tokenizer();
        for (int seed = 0; seed < 4; seed++) {
            StreamState live = watched(500 + seed, 2 + seed);
            StreamState copy = live.copy();
            float[] logits = stepText(model.decoder(), copy, tok.caption());
            List<Integer> words = new ArrayList<>();
            while (words.size() < model.manifest().maxTextTokens()) {
                int t = TextGenerator.argmax(logits);
                if (t == tok.eos()) {
                    break;
                }
                words.add(t);
                logits = stepText(model.decoder(), copy, t);
            }
            String expected = tok.decode(words.stream().mapToInt(Integer::intValue).toArray());
            assertThat(model.generator().caption(live)).isEqualTo(expected);
        }
    }

    @Test
    void confidenceIsTheSmallestProbabilityAmongTheGreedyChoices() {
        Tokenizer tok = model.tokenizer();
        for (int seed = 0; seed < 4; seed++) {
            StreamState live = watched(700 + seed, 1 + 3 * seed);
            StreamState copy = live.copy();
            float[] logits = stepText(model.decoder(), copy, tok.caption());
            double least = 1;
            for (int words = 0; words < model.manifest().maxTextTokens(); words++) {
                int t = TextGenerator.argmax(logits);
                double z = 0;
                for (float x : logits) {
                    z += Math.exp(x);
                }
                least = Math.min(least, Math.exp(logits[t]) / z);
                if (t == tok.eos()) {
                    break;
                }
                logits = stepText(model.decoder(), copy, t);
            }
            TextGenerator.Generated g = model.generator().generateCaption(live);
            assertThat(g.text()).isEqualTo(model.generator().caption(live));
            assertThat((double) g.confidence())
                    .isCloseTo(least, within(1e-5))
                    .isGreaterThan(0.0)
                    .isLessThanOrEqualTo(1.0);
        }
    }

    @Test
    void answersCarryAConfidenceToo() {
        StreamState live = watched(42, 6);
        TextGenerator.Generated a =
                model.generator()
                        .generateAnswer(live, model.tokenizer().tokenize("what entered first"));
        assertThat(a.text()).isEqualTo(model.generator().answer(live, "what entered first"));
        assertThat(a.confidence()).isGreaterThan(0f).isLessThanOrEqualTo(1f);
    }

    @Test
    void batchedCaptionsEqualSingleCaptions() {
        List<StreamState> states = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            states.add(watched(300 + i, 1 + 2 * i));
        }
        states.add(model.newState());
        List<String> batched = model.generator().captions(states);
        List<TextGenerator.Generated> scored = model.generator().generateCaptions(states);
        for (int i = 0; i < states.size(); i++) {
            assertThat(batched.get(i)).isEqualTo(model.generator().caption(states.get(i)));
            assertThat(scored.get(i).confidence())
                    .isCloseTo(
                            model.generator().generateCaption(states.get(i)).confidence(),
                            within(1e-5f));
        }
    }

    @Test
    void concurrentStepsFromManyThreadsEqualSequentialOnes() throws Exception {
        int threads = 4;
        float[][] tok = tokens(77, 6);
        StreamState reference = model.newState();
        for (float[] t : tok) {
            model.decoder().stepFrames(List.of(reference, reference.copy()), new float[][] {t, t});
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<StreamState>> results = new ArrayList<>();
            for (int i = 0; i < threads * 2; i++) {
                results.add(
                        pool.submit(
                                () -> {
                                    StreamState s = model.newState();
                                    for (float[] t : tok) {
                                        model.decoder()
                                                .stepFrames(
                                                        List.of(s, s.copy()), new float[][] {t, t});
                                    }
                                    return s;
                                }));
            }
            for (Future<StreamState> f : results) {
                StreamState s = f.get(60, TimeUnit.SECONDS);
                assertThat(TestModels.maxAbsDiff(s.ssm(), reference.ssm())).isZero();
                assertThat(TestModels.maxAbsDiff(s.conv(), reference.conv())).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void serialisedStateContinuesIdentically() {
        StreamState s = watched(41, 4);
        StreamState restored = StreamState.fromBytes(s.toBytes());
        float[] tok = tokens(42, 1)[0];
        float[] a = model.decoder().stepFrame(s, tok);
        float[] b = model.decoder().stepFrame(restored, tok);
        assertThat(b).containsExactly(a);
        assertThat(restored).isEqualTo(s);
    }

    @Test
    void wrongShapesAreRefusedClearly() {
        assertThatThrownBy(() -> model.encoder().encode(List.of(new float[10])))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("10 floats");
        StreamState other = StreamState.zeros(new MambaConfig(1, 8, 16, 4, 4));
        assertThatThrownBy(
                        () ->
                                model.decoder()
                                        .stepFrame(other, new float[model.encoder().tokenDim()]))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("does not fit");
        StreamState twice = model.newState();
        assertThatThrownBy(() -> stepText(model.decoder(), List.of(twice, twice), new int[] {6, 7}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two rows");
        assertThatThrownBy(() -> model.decoder().stepFrame(model.newState(), new float[3]))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("D=" + model.encoder().tokenDim());
    }

    @Test
    void corruptedGraphIsRefusedWithItsHashes(@TempDir Path dir) throws IOException {
        TestModels.copyModel(dir);
        String expected = Manifest.sha256(dir.resolve("decoder_step.onnx"));
        Files.write(dir.resolve("decoder_step.onnx"), new byte[] {0}, StandardOpenOption.APPEND);
        assertThatThrownBy(() -> VigilModel.load(dir))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("decoder_step.onnx")
                .hasMessageContaining("expected " + expected)
                .hasMessageContaining(
                        "actual " + Manifest.sha256(dir.resolve("decoder_step.onnx")));
    }

    @Test
    void missingGraphIsNamed(@TempDir Path dir) throws IOException {
        TestModels.copyModel(dir);
        Files.delete(dir.resolve("encoder.onnx"));
        assertThatThrownBy(() -> VigilModel.load(dir))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("encoder.onnx")
                .hasMessageContaining("missing");
    }

    @Test
    void garbageGraphWithMatchingHashFailsToLoadWithItsName(@TempDir Path dir) throws IOException {
        TestModels.copyModel(dir);
        Path enc = dir.resolve("encoder.onnx");
        String oldHash = Manifest.sha256(enc);
        Files.writeString(enc, "not an onnx graph");
        Path manifest = dir.resolve(Manifest.FILE_NAME);
        Files.writeString(
                manifest, Files.readString(manifest).replace(oldHash, Manifest.sha256(enc)));
        assertThatThrownBy(() -> VigilModel.load(dir))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("encoder.onnx")
                .hasMessageContaining(dir.toString());
    }

    /** Text steps on the given states themselves (the generator only ever steps copies). */
    private static float[][] stepText(MambaDecoder decoder, List<StreamState> states, int[] ids) {
        return decoder.step(states, null, ids, new boolean[states.size()]);
    }

    private static float[] stepText(MambaDecoder decoder, StreamState state, int id) {
        return stepText(decoder, List.of(state), new int[] {id})[0];
    }
}

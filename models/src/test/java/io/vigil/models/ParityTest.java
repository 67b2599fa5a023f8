package io.vigil.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Java (ONNX Runtime) against the PyTorch reference outputs written by {@code
 * models/train/vigil_train/export.py} into {@code src/test/resources/parity/} (contract, "Parity
 * fixtures").
 */
class ParityTest {
    private static final Logger LOG = LoggerFactory.getLogger(ParityTest.class);
    static final float TOLERANCE = 1e-4f;

    static Path dir;
    static JsonNode cases;
    static VigilModel model;

    @BeforeAll
    static void load() throws IOException {
        String override = System.getProperty("vigil.parity.dir");
        dir = override != null ? Path.of(override) : TestModels.resources("parity");
        assertThat(dir.resolve("cases.json")).as("parity fixtures").isRegularFile();
        cases = new ObjectMapper().readTree(dir.resolve("cases.json").toFile());
        Path modelDir = TestModels.repoRoot().resolve(cases.get("model_dir").asText());
        model = VigilModel.load(modelDir);
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    static long[] shape(JsonNode n) {
        long[] s = new long[n.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = n.get(i).asLong();
        }
        return s;
    }

    static float[] read(JsonNode node, String file, String shape) {
        float[] v = TestModels.readF32(dir.resolve(node.get(file).asText()));
        assertThat((long) v.length)
                .as("%s holds %s", file, Arrays.toString(shape(node.get(shape))))
                .isEqualTo(Arrays.stream(shape(node.get(shape))).reduce(1, (a, b) -> a * b));
        return v;
    }

    @Test
    void encoderTokensMatch() {
        JsonNode enc = cases.get("encoder");
        long[] fs = shape(enc.get("frames_shape")); // [N, 3, H, W]
        long[] ts = shape(enc.get("tokens_shape")); // [N, D]
        float[] frames = read(enc, "frames", "frames_shape");
        float[] expected = read(enc, "tokens", "tokens_shape");
        int n = (int) fs[0];
        int size = (int) (fs[1] * fs[2] * fs[3]);
        List<float[]> in = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            in.add(Arrays.copyOfRange(frames, i * size, (i + 1) * size));
        }
        float[][] got = model.encoder().encode(in);
        int d = (int) ts[1];
        float max = 0;
        for (int i = 0; i < n; i++) {
            max =
                    Math.max(
                            max,
                            TestModels.maxAbsDiff(
                                    got[i], Arrays.copyOfRange(expected, i * d, (i + 1) * d)));
        }
        LOG.info("parity encoder: N={} max abs diff {}", n, max);
        assertThat(max).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void stepLogitsAndFinalStatesMatch() {
        JsonNode step = cases.get("step");
        int b = step.get("batch").asInt();
        int k = step.get("steps").asInt();
        float[] frameTokens = read(step, "frame_token", "frame_token_shape"); // [K, B, D]
        float[] logits = read(step, "logits", "logits_shape"); // [K, B, V]
        float[] conv = read(step, "conv_state", "conv_state_shape"); // [L, B, d_inner, d_conv-1]
        float[] ssm = read(step, "ssm_state", "ssm_state_shape"); // [L, B, d_inner, d_state]
        int d = model.encoder().tokenDim();
        int v = model.manifest().vocabSize();
        MambaConfig c = model.manifest().mamba();

        List<StreamState> states = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            states.add(model.newState());
        }
        float maxLogits = 0;
        for (int s = 0; s < k; s++) {
            float[][] tok = new float[b][];
            int[] ids = new int[b];
            boolean[] isFrame = new boolean[b];
            for (int i = 0; i < b; i++) {
                int row = s * b + i;
                tok[i] = Arrays.copyOfRange(frameTokens, row * d, (row + 1) * d);
                ids[i] = step.get("token_id").get(s).get(i).asInt();
                isFrame[i] = step.get("is_frame").get(s).get(i).asDouble() == 1.0;
            }
            float[][] got = model.decoder().step(states, tok, ids, isFrame);
            for (int i = 0; i < b; i++) {
                int row = s * b + i;
                maxLogits =
                        Math.max(
                                maxLogits,
                                TestModels.maxAbsDiff(
                                        got[i],
                                        Arrays.copyOfRange(logits, row * v, (row + 1) * v)));
            }
        }
        // final states, [L, B, ...] in the fixture, [L, ...] per stream in Java
        int convBlock = c.dInner() * (c.dConv() - 1);
        int ssmBlock = c.dInner() * c.dState();
        float maxConv = 0;
        float maxSsm = 0;
        for (int i = 0; i < b; i++) {
            for (int l = 0; l < c.layers(); l++) {
                int off = (l * b + i);
                maxConv =
                        Math.max(
                                maxConv,
                                TestModels.maxAbsDiff(
                                        Arrays.copyOfRange(
                                                states.get(i).conv(),
                                                l * convBlock,
                                                (l + 1) * convBlock),
                                        Arrays.copyOfRange(
                                                conv, off * convBlock, (off + 1) * convBlock)));
                maxSsm =
                        Math.max(
                                maxSsm,
                                TestModels.maxAbsDiff(
                                        Arrays.copyOfRange(
                                                states.get(i).ssm(),
                                                l * ssmBlock,
                                                (l + 1) * ssmBlock),
                                        Arrays.copyOfRange(
                                                ssm, off * ssmBlock, (off + 1) * ssmBlock)));
            }
        }
        LOG.info(
                "parity step: B={} K={} max abs diff logits {} conv {} ssm {}",
                b,
                k,
                maxLogits,
                maxConv,
                maxSsm);
        assertThat(maxLogits).isLessThanOrEqualTo(TOLERANCE);
        assertThat(maxConv).isLessThanOrEqualTo(TOLERANCE);
        assertThat(maxSsm).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void generatedTextsAreIdentical() {
        for (JsonNode g : cases.get("generate")) {
            float[] frames = read(g, "frame_tokens", "frames_shape"); // [T, D]
            int t = (int) shape(g.get("frames_shape"))[0];
            int d = (int) shape(g.get("frames_shape"))[1];
            StreamState live = model.newState();
            for (int i = 0; i < t; i++) {
                model.decoder().stepFrame(live, Arrays.copyOfRange(frames, i * d, (i + 1) * d));
            }
            byte[] before = live.toBytes();
            assertThat(model.generator().caption(live)).isEqualTo(g.get("caption").asText());
            for (JsonNode q : g.get("questions")) {
                assertThat(model.generator().answer(live, q.get("q").asText()))
                        .as("answer to %s", q.get("q").asText())
                        .isEqualTo(q.get("a").asText());
            }
            assertThat(live.toBytes()).isEqualTo(before);
            assertThat(live.framesSeen()).isEqualTo(t);
        }
    }
}

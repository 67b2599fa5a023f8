package io.vigil.models;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.models.video.FramePreprocessor;
import io.vigil.models.video.FrameSampler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A model folder's {@code manifest.json} (docs/model-contract.md), parsed and checked: every file
 * listed under {@code files} exists and has the listed sha256.
 */
public final class Manifest {

    /**
     * The manifest's {@code frame} object: the encoder's input size and normalisation, the optional
     * lead ({@code lead_ms}: the encoder also sees the frame that long before each sample; absent
     * or 0 for none) and the optional fit of other aspect ratios ({@code fit}: {@code "stretch"},
     * the default, or {@code "pad"}; {@code fit_tolerance}, default 0.05).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Frame(
            @JsonProperty("height") int height,
            @JsonProperty("width") int width,
            @JsonProperty("channels") String channels,
            @JsonProperty("resize") String resize,
            @JsonProperty("mean") float[] mean, // [3], R G B
            @JsonProperty("std") float[] std, // [3], R G B
            @JsonProperty("lead_ms") Double leadMs,
            @JsonProperty("fit") String fit,
            @JsonProperty("fit_tolerance") Double fitTolerance) {}

    /** The manifest's {@code tokenizer} object. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TokenizerSpec(
            @JsonProperty("type") String type, @JsonProperty("file") String file) {}

    /** The manifest's {@code graphs} object: file names of the ONNX graphs. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Graphs(
            @JsonProperty("encoder") String encoder, @JsonProperty("step") String step) {}

    /**
     * One of the manifest's optional {@code answer_forms}: a pattern over the normalised question
     * and the answers allowed for it ({@link AnswerForms}).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AnswerForm(
            @JsonProperty("question") String question,
            @JsonProperty("answers") List<String> answers) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Json(
            @JsonProperty("name") String name,
            @JsonProperty("version") String version,
            @JsonProperty("frame") Frame frame,
            @JsonProperty("sample_fps") Double sampleFps,
            @JsonProperty("token_dim") Integer tokenDim,
            @JsonProperty("mamba") MambaConfig mamba,
            @JsonProperty("vocab_size") Integer vocabSize,
            @JsonProperty("tokenizer") TokenizerSpec tokenizer,
            @JsonProperty("special_tokens") SpecialTokens specialTokens,
            @JsonProperty("max_text_tokens") Integer maxTextTokens,
            @JsonProperty("graphs") Graphs graphs,
            @JsonProperty("files") Map<String, String> files,
            @JsonProperty("answer_forms") List<AnswerForm> answerForms) {}

    public static final String FILE_NAME = "manifest.json";

    private static final ObjectMapper MAPPER =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path dir;
    private final Json json;

    private Manifest(Path dir, Json json) {
        this.dir = dir;
        this.json = json;
    }

    /**
     * Reads {@code modelDir/manifest.json}, checks its fields, and checks that every file under
     * {@code files} exists with the listed sha256. The check runs once per folder and process:
     * operators of one TaskManager that load the same folder share the checked manifest while no
     * file in the folder changes (size or modification time), see {@link CheckedManifests}.
     *
     * @throws ModelException naming the file (and the expected and actual hash) on any problem
     */
    public static Manifest load(Path modelDir) {
        return CheckedManifests.get(modelDir, Manifest::read);
    }

    private static Manifest read(Path modelDir) {
        Path file = modelDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new ModelException("model " + modelDir + ": no " + FILE_NAME + " (" + file + ")");
        }
        Json json;
        try {
            json = MAPPER.readValue(file.toFile(), Json.class);
        } catch (IOException e) {
            throw new ModelException(
                    "model " + modelDir + ": cannot parse " + FILE_NAME + ": " + e.getMessage(), e);
        }
        if (json == null) {
            throw new ModelException("model " + modelDir + ": " + FILE_NAME + " is empty");
        }
        Manifest m = new Manifest(modelDir, json);
        m.validate();
        m.verifyFiles();
        return m;
    }

    private void validate() {
        require(json.name() != null, "name");
        require(json.version() != null, "version");
        require(json.frame() != null, "frame");
        require(json.frame().height() > 0 && json.frame().width() > 0, "frame.height/width > 0");
        require(
                json.frame().mean() != null && json.frame().mean().length == 3,
                "frame.mean has 3 values");
        require(
                json.frame().std() != null && json.frame().std().length == 3,
                "frame.std has 3 values");
        for (float s : json.frame().std()) {
            require(s != 0f, "frame.std values are not 0");
        }
        require(
                json.frame().resize() == null || "box".equals(json.frame().resize()),
                "frame.resize is \"box\" (got \"" + json.frame().resize() + "\")");
        require(
                json.frame().channels() == null || "RGB".equals(json.frame().channels()),
                "frame.channels is \"RGB\" (got \"" + json.frame().channels() + "\")");
        require(
                FramePreprocessor.Fit.parse(json.frame().fit()) != null,
                "frame.fit is \"stretch\" or \"pad\" (got \"" + json.frame().fit() + "\")");
        Double tol = json.frame().fitTolerance();
        require(
                tol == null || (tol >= 0 && tol < 1),
                "frame.fit_tolerance in [0, 1) (got " + tol + ")");
        require(json.sampleFps() != null && json.sampleFps() > 0, "sample_fps > 0");
        Double lead = json.frame().leadMs();
        require(
                lead == null
                        || lead == 0
                        || (lead > 0 && lead < 1000 / json.sampleFps() && lead == Math.rint(lead)),
                String.format(
                        Locale.ROOT,
                        "frame.lead_ms absent, 0 or a whole number of ms with 0 < lead_ms <"
                                + " 1000 / sample_fps = %.1f (got %s)",
                        1000 / json.sampleFps(),
                        lead));
        require(json.tokenDim() != null && json.tokenDim() > 0, "token_dim > 0");
        require(json.mamba() != null, "mamba");
        require(json.vocabSize() != null && json.vocabSize() > 0, "vocab_size > 0");
        require(json.tokenizer() != null && json.tokenizer().file() != null, "tokenizer.file");
        require(
                json.tokenizer().type() == null || "word".equals(json.tokenizer().type()),
                "tokenizer.type is \"word\" (got \"" + json.tokenizer().type() + "\")");
        require(json.specialTokens() != null, "special_tokens");
        require(json.maxTextTokens() != null && json.maxTextTokens() > 0, "max_text_tokens > 0");
        require(
                json.graphs() != null
                        && json.graphs().encoder() != null
                        && json.graphs().step() != null,
                "graphs.encoder and graphs.step");
        require(json.files() != null, "files");
        if (json.answerForms() != null) {
            for (AnswerForm f : json.answerForms()) {
                require(f != null && f.question() != null, "answer_forms[].question");
            }
        }
        for (String f :
                List.of(json.graphs().encoder(), json.graphs().step(), json.tokenizer().file())) {
            require(json.files().containsKey(f), "files lists " + f + " (with its sha256)");
        }
    }

    private void require(boolean ok, String what) {
        if (!ok) {
            throw new ModelException(
                    "model " + dir + ": " + FILE_NAME + " is invalid, expected " + what);
        }
    }

    private void verifyFiles() {
        for (Map.Entry<String, String> e : json.files().entrySet()) {
            Path f = dir.resolve(e.getKey());
            if (!Files.isRegularFile(f)) {
                throw new ModelException(
                        "model "
                                + dir
                                + ": file "
                                + e.getKey()
                                + " listed in "
                                + FILE_NAME
                                + " is missing ("
                                + f
                                + ")");
            }
            String expected = e.getValue() == null ? "" : e.getValue().toLowerCase(Locale.ROOT);
            String actual = sha256(f);
            if (!actual.equals(expected)) {
                throw new ModelException(
                        "model "
                                + dir
                                + ": sha256 mismatch for "
                                + e.getKey()
                                + ": expected "
                                + expected
                                + ", actual "
                                + actual);
            }
        }
    }

    /** Lower-case hex sha256 of a file. */
    public static String sha256(Path file) {
        try (InputStream in =
                new DigestInputStream(
                        Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            byte[] buf = new byte[1 << 16];
            while (in.read(buf) >= 0) {
                // digesting
            }
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new ModelException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The model folder. */
    public Path dir() {
        return dir;
    }

    public String name() {
        return json.name();
    }

    public String version() {
        return json.version();
    }

    /** {@code name@version}, as written into captions and answers. */
    public String id() {
        return json.name() + "@" + json.version();
    }

    public Frame frame() {
        return json.frame();
    }

    public int frameHeight() {
        return json.frame().height();
    }

    public int frameWidth() {
        return json.frame().width();
    }

    /** Per-channel mean, R G B, on the 0..1 scale. A copy. */
    public float[] mean() { // [3]
        return json.frame().mean().clone();
    }

    /** Per-channel std, R G B, on the 0..1 scale. A copy. */
    public float[] std() { // [3]
        return json.frame().std().clone();
    }

    public double sampleFps() {
        return json.sampleFps();
    }

    /**
     * How long before each sample the frame the encoder also sees is ({@code frame.lead_ms}); 0
     * when the manifest has none (each input is the sample frame alone).
     */
    public long leadMs() {
        Double lead = json.frame().leadMs();
        return lead == null ? 0L : lead.longValue();
    }

    /**
     * C, the channels of one encoder input: 3 (R, G, B of the sample), or 6 with a lead (the
     * sample's R, G, B, then its lead frame's).
     */
    public int inputChannels() {
        return leadMs() > 0 ? 6 : 3;
    }

    /**
     * A sampler at the start of a stream at the model's {@code sample_fps} and lead: the one every
     * caller that runs this model over video uses.
     */
    public FrameSampler sampler() {
        return FrameSampler.start(sampleFps(), leadMs());
    }

    /** D, the width of one frame token. */
    public int tokenDim() {
        return json.tokenDim();
    }

    public MambaConfig mamba() {
        return json.mamba();
    }

    /** V, the vocabulary size (the logits' width). */
    public int vocabSize() {
        return json.vocabSize();
    }

    public SpecialTokens specialTokens() {
        return json.specialTokens();
    }

    public int maxTextTokens() {
        return json.maxTextTokens();
    }

    public TokenizerSpec tokenizer() {
        return json.tokenizer();
    }

    public Graphs graphs() {
        return json.graphs();
    }

    /** The optional answer forms, in order; empty when the manifest has none. */
    public List<AnswerForm> answerForms() {
        return json.answerForms() == null ? List.of() : List.copyOf(json.answerForms());
    }

    /** The model's frame preprocessing: its frame size, normalisation and fit. */
    public FramePreprocessor preprocessor() {
        Double tol = json.frame().fitTolerance();
        return new FramePreprocessor(
                frameHeight(),
                frameWidth(),
                mean(),
                std(),
                FramePreprocessor.Fit.parse(json.frame().fit()),
                tol == null ? FramePreprocessor.DEFAULT_FIT_TOLERANCE : tol);
    }

    /** File name to sha256, as listed. */
    public Map<String, String> files() {
        return Map.copyOf(json.files());
    }

    @Override
    public String toString() {
        return "Manifest[" + id() + " at " + dir + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Manifest m && dir.equals(m.dir) && Objects.equals(id(), m.id());
    }

    @Override
    public int hashCode() {
        return Objects.hash(dir, id());
    }
}

package io.vigil.models;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded model folder: the manifest (checked), the ONNX Runtime sessions of the frame encoder and
 * the decoder step, the tokenizer and the text generator. Immutable after {@link #load} and
 * thread-safe; per-stream memory is not here but in {@link StreamState}. Close it to free the
 * native sessions.
 */
public final class VigilModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VigilModel.class);
    private static final Set<String> LOGGED_PROVIDERS = ConcurrentHashMap.newKeySet();

    private final Manifest manifest;
    private final OrtSession.SessionOptions sessionOptions;
    private final OrtSession encoderSession;
    private final OrtSession stepSession;
    private final FrameEncoder encoder;
    private final MambaDecoder decoder;
    private final Tokenizer tokenizer;
    private final TextGenerator generator;
    private final FramePreprocessor preprocessor;
    private final String provider;

    private VigilModel(
            Manifest manifest,
            OrtSession.SessionOptions sessionOptions,
            OrtSession encoderSession,
            OrtSession stepSession,
            OrtEnvironment env,
            String provider) {
        this.manifest = manifest;
        this.sessionOptions = sessionOptions;
        this.encoderSession = encoderSession;
        this.stepSession = stepSession;
        this.provider = provider;
        this.encoder = new FrameEncoder(env, encoderSession, manifest);
        this.decoder = new MambaDecoder(env, stepSession, manifest);
        this.tokenizer = Tokenizer.load(manifest);
        this.generator =
                new TextGenerator(
                        decoder,
                        tokenizer,
                        manifest.maxTextTokens(),
                        AnswerForms.of(manifest, tokenizer));
        this.preprocessor = new FramePreprocessor(manifest);
    }

    /** {@link #load(Path, ModelOptions)} with {@link ModelOptions#defaults()}. */
    public static VigilModel load(Path modelDir) {
        return load(modelDir, ModelOptions.defaults());
    }

    /**
     * Checks the manifest and hashes, opens both graphs.
     *
     * @throws ModelException on a bad folder or a graph ONNX Runtime cannot load
     */
    public static VigilModel load(Path modelDir, ModelOptions options) {
        Manifest manifest = Manifest.load(modelDir);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        OrtSession enc = null;
        OrtSession step = null;
        String graph = manifest.graphs().encoder();
        try {
            so.setIntraOpNumThreads(options.intraOpThreads());
            so.setInterOpNumThreads(1);
            String provider = "CPU";
            if (options.useGpu()) {
                try {
                    so.addCUDA(0);
                    provider = "CUDA";
                } catch (OrtException | RuntimeException | LinkageError e) {
                    if (LOGGED_PROVIDERS.add("CUDA-fallback")) {
                        LOG.warn(
                                "CUDA execution provider unavailable ({}); running on CPU",
                                e.getMessage());
                    } else {
                        LOG.debug(
                                "CUDA unavailable for model {}: {}", manifest.id(), e.getMessage());
                    }
                }
            }
            enc = env.createSession(modelDir.resolve(graph).toString(), so);
            graph = manifest.graphs().step();
            step = env.createSession(modelDir.resolve(graph).toString(), so);
            VigilModel model = new VigilModel(manifest, so, enc, step, env, provider);
            if (LOGGED_PROVIDERS.add(provider)) {
                LOG.info(
                        "ONNX Runtime runs vigil models on {} (model {}, intra-op threads {})",
                        provider,
                        manifest.id(),
                        options.intraOpThreads());
            }
            return model;
        } catch (OrtException e) {
            closeQuietly(step, enc, so);
            throw new ModelException(
                    "cannot load graph " + graph + " of model " + modelDir + ": " + e.getMessage(),
                    e);
        } catch (RuntimeException e) {
            closeQuietly(step, enc, so);
            throw e;
        }
    }

    private static void closeQuietly(AutoCloseable... closeables) {
        for (AutoCloseable c : closeables) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.debug("close failed", e);
                }
            }
        }
    }

    public Manifest manifest() {
        return manifest;
    }

    /** {@code name@version}. */
    public String id() {
        return manifest.id();
    }

    public FrameEncoder encoder() {
        return encoder;
    }

    public MambaDecoder decoder() {
        return decoder;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public TextGenerator generator() {
        return generator;
    }

    /** The preprocessor for this model's frame size and normalisation. */
    public FramePreprocessor preprocessor() {
        return preprocessor;
    }

    /** A new stream's state (all zeros). */
    public StreamState newState() {
        return StreamState.zeros(manifest.mamba());
    }

    /** {@code "CUDA"} or {@code "CPU"}: the execution provider the sessions were opened with. */
    public String provider() {
        return provider;
    }

    @Override
    public void close() {
        try {
            stepSession.close();
            encoderSession.close();
        } catch (OrtException e) {
            throw new ModelException("cannot close the sessions of " + manifest.dir(), e);
        } finally {
            sessionOptions.close();
        }
    }

    @Override
    public String toString() {
        return "VigilModel[" + id() + " on " + provider + " from " + manifest.dir() + "]";
    }
}

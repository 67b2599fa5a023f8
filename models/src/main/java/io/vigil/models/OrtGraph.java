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
 * One ONNX graph of a model folder opened in ONNX Runtime: its session, the session's options and
 * the execution provider it runs on. Each wrapper ({@link FrameEncoder}, {@link MambaDecoder})
 * opens only its own graph, so an operator that runs one graph loads one.
 */
final class OrtGraph implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OrtGraph.class);
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    final OrtEnvironment env;
    final OrtSession session;
    final Path modelDir;
    final String file;
    final String provider;
    private final OrtSession.SessionOptions options;

    private OrtGraph(
            OrtEnvironment env,
            OrtSession session,
            OrtSession.SessionOptions options,
            Path modelDir,
            String file,
            String provider) {
        this.env = env;
        this.session = session;
        this.options = options;
        this.modelDir = modelDir;
        this.file = file;
        this.provider = provider;
    }

    /**
     * Opens {@code file} of {@code manifest}'s folder (CUDA first when {@code options} ask for it,
     * CPU otherwise or when CUDA is missing, logged once).
     *
     * @throws ModelException when ONNX Runtime cannot load the graph
     */
    static OrtGraph open(Manifest manifest, String file, ModelOptions options) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        try {
            so.setIntraOpNumThreads(options.intraOpThreads());
            so.setInterOpNumThreads(1);
            String provider = options.useGpu() && addCuda(so, manifest) ? "CUDA" : "CPU";
            OrtSession session = env.createSession(manifest.dir().resolve(file).toString(), so);
            if (LOGGED.add(provider)) {
                LOG.info(
                        "ONNX Runtime runs vigil models on {} (model {}, intra-op threads {})",
                        provider,
                        manifest.id(),
                        options.intraOpThreads());
            }
            return new OrtGraph(env, session, so, manifest.dir(), file, provider);
        } catch (OrtException e) {
            so.close();
            throw new ModelException(
                    "cannot load graph "
                            + file
                            + " of model "
                            + manifest.dir()
                            + ": "
                            + e.getMessage(),
                    e);
        } catch (RuntimeException e) {
            so.close();
            throw e;
        }
    }

    private static boolean addCuda(OrtSession.SessionOptions so, Manifest manifest) {
        try {
            so.addCUDA(0);
            return true;
        } catch (OrtException | RuntimeException | LinkageError e) {
            if (LOGGED.add("CUDA-fallback")) {
                LOG.warn(
                        "CUDA execution provider unavailable ({}); running on CPU", e.getMessage());
            } else {
                LOG.debug("CUDA unavailable for model {}: {}", manifest.id(), e.getMessage());
            }
            return false;
        }
    }

    /** Fails unless the graph has these inputs and outputs. */
    void requireIo(String[] inputs, String... outputs) {
        Tensors.requireNames(file, "input", session.getInputNames(), inputs);
        Tensors.requireNames(file, "output", session.getOutputNames(), outputs);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new ModelException("cannot close graph " + file + " of " + modelDir, e);
        } finally {
            options.close();
        }
    }
}

package io.vigil.models;

import io.vigil.models.video.FramePreprocessor;
import java.nio.file.Path;

/**
 * A whole model folder loaded: the manifest (checked), the frame encoder and the decoder step
 * graphs, the tokenizer and the text generator. Immutable after {@link #load} and thread-safe;
 * per-stream memory is not here but in {@link StreamState}. Close it to free the native sessions.
 *
 * <p>For tools that run the whole model in one place ({@code vigil eval}, the bare loop, tests). A
 * Flink operator opens only the graph it runs: {@link FrameEncoder#open} or {@link
 * MambaDecoder#open} with {@link TextGenerator#of}.
 */
public final class VigilModel implements AutoCloseable {
    private final Manifest manifest;
    private final FrameEncoder encoder;
    private final MambaDecoder decoder;
    private final TextGenerator generator;
    private final FramePreprocessor preprocessor;

    private VigilModel(Manifest manifest, FrameEncoder encoder, MambaDecoder decoder) {
        this.manifest = manifest;
        this.encoder = encoder;
        this.decoder = decoder;
        this.generator = TextGenerator.of(manifest, decoder);
        this.preprocessor = manifest.preprocessor();
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
        FrameEncoder encoder = FrameEncoder.open(manifest, options);
        MambaDecoder decoder = null;
        try {
            decoder = MambaDecoder.open(manifest, options);
            return new VigilModel(manifest, encoder, decoder);
        } catch (RuntimeException e) {
            encoder.close();
            if (decoder != null) {
                decoder.close();
            }
            throw e;
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
        return generator.tokenizer();
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
        return decoder.newState();
    }

    /** {@code "CUDA"} or {@code "CPU"}: the execution provider the graphs were opened with. */
    public String provider() {
        return decoder.provider();
    }

    @Override
    public void close() {
        try {
            decoder.close();
        } finally {
            encoder.close();
        }
    }

    @Override
    public String toString() {
        return "VigilModel[" + id() + " on " + provider() + " from " + manifest.dir() + "]";
    }
}

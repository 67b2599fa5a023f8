package io.vigil.models;

/**
 * How {@link VigilModel} opens its ONNX Runtime sessions.
 *
 * @param intraOpThreads threads one ONNX call may use; 1 suits a Flink task slot (the parallelism
 *     comes from slots), 0 lets ONNX Runtime pick
 * @param useGpu try the CUDA execution provider first; falls back to CPU (logged once) when the
 *     CPU-only {@code onnxruntime} artifact is on the classpath or CUDA 12 is missing
 */
public record ModelOptions(int intraOpThreads, boolean useGpu) {

    /** System property read by {@link #defaults()}: {@code -Dvigil.models.gpu=true}. */
    public static final String GPU_PROPERTY = "vigil.models.gpu";

    /** System property read by {@link #defaults()}: {@code -Dvigil.models.threads=1}. */
    public static final String THREADS_PROPERTY = "vigil.models.threads";

    public ModelOptions {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads < 0: " + intraOpThreads);
        }
    }

    /** One intra-op thread, CPU, unless the system properties above say otherwise. */
    public static ModelOptions defaults() {
        return new ModelOptions(
                Integer.getInteger(THREADS_PROPERTY, 1), Boolean.getBoolean(GPU_PROPERTY));
    }

    public ModelOptions withIntraOpThreads(int threads) {
        return new ModelOptions(threads, useGpu);
    }

    public ModelOptions withUseGpu(boolean gpu) {
        return new ModelOptions(intraOpThreads, gpu);
    }
}

package io.vigil.models;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Unchecked failure of the model layer: a bad model folder, an ONNX Runtime error, a shape that
 * does not fit. ONNX Runtime's checked {@code OrtException} and I/O errors are translated into this
 * exception exactly once, at the call that failed, with the model path, the file and the shapes
 * involved.
 */
public class ModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Translates a failed ONNX Runtime call.
     *
     * @param modelDir the model folder
     * @param graph the graph file, e.g. {@code decoder_step.onnx}
     * @param what what was being done, e.g. {@code "step B=4"}
     * @param shapes the input shapes, named, e.g. {@code "frames=[4, 3, 64, 64]"}
     */
    public static ModelException ort(
            Path modelDir, String graph, String what, String shapes, Throwable cause) {
        return new ModelException(
                String.format(
                        "%s failed in model %s, graph %s, inputs %s: %s",
                        what, modelDir, graph, shapes, cause.getMessage()),
                cause);
    }

    /** {@code name=[d0, d1, ...]}, for error messages. */
    static String shape(String name, long... dims) {
        return name + "=" + Arrays.toString(dims);
    }
}

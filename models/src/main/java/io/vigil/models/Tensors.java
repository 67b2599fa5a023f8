package io.vigil.models;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Set;

/** Small helpers around ONNX Runtime buffers and results. */
final class Tensors {
    private Tensors() {}

    /** A direct, native-order buffer: ONNX Runtime uses it without a copy. */
    static FloatBuffer floats(int n) {
        return ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    static LongBuffer longs(int n) {
        return ByteBuffer.allocateDirect(8 * n).order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    /** An output by name, as a float buffer positioned at 0. */
    static FloatBuffer output(OrtSession.Result result, String name) {
        OnnxValue v =
                result.get(name)
                        .orElseThrow(() -> new ModelException("graph has no output " + name));
        if (!(v instanceof OnnxTensor t)) {
            throw new ModelException("output " + name + " is not a tensor: " + v.getType());
        }
        return t.getFloatBuffer();
    }

    static void requireNames(String graph, String kind, Set<String> actual, String... expected) {
        for (String e : expected) {
            if (!actual.contains(e)) {
                throw new ModelException(
                        graph + " has no " + kind + " named " + e + "; it has " + actual);
            }
        }
    }
}

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

    /**
     * Per-thread direct input buffers, reused across calls: a B=256 decoder step has ~20 MB of
     * state input, and allocating that much direct memory per call would only be freed by GC. A
     * buffer is only used between its {@code get} and the end of the ONNX call that reads it, on
     * the same thread.
     */
    static final class Scratch {
        private static final int SLOTS = 8;
        private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

        private final ByteBuffer[] slots = new ByteBuffer[SLOTS];

        static Scratch get() {
            return LOCAL.get();
        }

        private ByteBuffer bytes(int slot, int n) {
            ByteBuffer b = slots[slot];
            if (b == null || b.capacity() < n) {
                b = ByteBuffer.allocateDirect(Math.max(n, 1024)).order(ByteOrder.nativeOrder());
                slots[slot] = b;
            }
            ByteBuffer view = b.duplicate().order(ByteOrder.nativeOrder());
            view.clear().limit(n);
            return view.slice().order(ByteOrder.nativeOrder());
        }

        /** A zero-based direct buffer of exactly {@code n} floats, contents undefined. */
        FloatBuffer floats(int slot, int n) {
            return bytes(slot, 4 * n).asFloatBuffer();
        }

        /** A zero-based direct buffer of exactly {@code n} longs, contents undefined. */
        LongBuffer longs(int slot, int n) {
            return bytes(slot, 8 * n).asLongBuffer();
        }
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

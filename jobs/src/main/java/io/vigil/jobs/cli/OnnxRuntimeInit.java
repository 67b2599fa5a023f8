package io.vigil.jobs.cli;

import ai.onnxruntime.OrtEnvironment;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Creates ONNX Runtime's process-wide environment on a thread with a large stack.
 *
 * <p>Why: with ONNX Runtime 1.29 on this stack, creating the environment on a thread with the JVM's
 * default 1 MiB stack crashed the JVM (SIGSEGV, no hs_err) whenever the class path was as long as
 * the command line's; with 16 MiB it worked. Once the environment exists, sessions open and run
 * fine on ordinary threads (Flink's task threads included), so creating it here first is enough.
 */
public final class OnnxRuntimeInit {
    private static final long STACK_BYTES = 64L << 20;

    private OnnxRuntimeInit() {}

    /** Idempotent; returns once the environment exists. */
    public static void ensure() {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t =
                new Thread(
                        null,
                        () -> {
                            try {
                                OrtEnvironment.getEnvironment();
                            } catch (Throwable e) {
                                failure.set(e);
                            }
                        },
                        "vigil-onnxruntime-init",
                        STACK_BYTES);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while loading ONNX Runtime");
        }
        if (failure.get() != null) {
            throw new CliException("cannot load ONNX Runtime: " + failure.get(), failure.get());
        }
    }
}

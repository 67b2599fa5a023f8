package io.vigil.cli.common;

import ai.onnxruntime.OrtEnvironment;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Creates ONNX Runtime's process-wide environment on a thread with a large stack.
 *
 * <p>Why: ONNX Runtime 1.29 crashes the JVM (SIGSEGV, no hs_err file) when it creates its
 * environment on a thread with the JVM's default 1 MiB stack <em>and</em> the process's command
 * line is long: a {@code -cp} of ~14 KB (as {@code ./vigil} passes) or any 14 KB argument is
 * enough; the same class path given through {@code CLASSPATH} is not. With a 16 MiB stack it works.
 * Once the environment exists, sessions open and run fine on ordinary threads (Flink's task threads
 * included), so creating it here first is enough for this JVM. Other JVMs that load models with a
 * long command line (Flink TaskManagers) need {@code -Xss16m} or a short class path.
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

package io.vigil.jobs.understand;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A test decorator of a real source whose reader throws once, after the test arms it: a task
 * failure in the middle of a running job (MiniCluster, same JVM, so a static switch reaches it).
 */
final class FailOnceSource<T, S extends SourceSplit, E>
        implements Source<T, S, E>, ResultTypeQueryable<T> {
    private static final long serialVersionUID = 1L;

    static final AtomicBoolean ARMED = new AtomicBoolean();
    static final AtomicBoolean FIRED = new AtomicBoolean();

    private final Source<T, S, E> inner;

    FailOnceSource(Source<T, S, E> inner) {
        this.inner = inner;
    }

    @Override
    public Boundedness getBoundedness() {
        return inner.getBoundedness();
    }

    @Override
    public SourceReader<T, S> createReader(SourceReaderContext ctx) throws Exception {
        SourceReader<T, S> r = inner.createReader(ctx);
        return new SourceReader<>() {
            @Override
            public void start() {
                r.start();
            }

            @Override
            public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
                if (ARMED.compareAndSet(true, false)) {
                    FIRED.set(true);
                    throw new IllegalStateException("injected failure (test)");
                }
                return r.pollNext(output);
            }

            @Override
            public List<S> snapshotState(long checkpointId) {
                return r.snapshotState(checkpointId);
            }

            @Override
            public CompletableFuture<Void> isAvailable() {
                return ARMED.get() ? CompletableFuture.completedFuture(null) : r.isAvailable();
            }

            @Override
            public void addSplits(List<S> splits) {
                r.addSplits(splits);
            }

            @Override
            public void notifyNoMoreSplits() {
                r.notifyNoMoreSplits();
            }

            @Override
            public void notifyCheckpointComplete(long checkpointId) throws Exception {
                r.notifyCheckpointComplete(checkpointId);
            }

            @Override
            public void close() throws Exception {
                r.close();
            }
        };
    }

    @Override
    public SplitEnumerator<S, E> createEnumerator(SplitEnumeratorContext<S> ctx) throws Exception {
        return inner.createEnumerator(ctx);
    }

    @Override
    public SplitEnumerator<S, E> restoreEnumerator(SplitEnumeratorContext<S> ctx, E state)
            throws Exception {
        return inner.restoreEnumerator(ctx, state);
    }

    @Override
    public SimpleVersionedSerializer<S> getSplitSerializer() {
        return inner.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<E> getEnumeratorCheckpointSerializer() {
        return inner.getEnumeratorCheckpointSerializer();
    }

    @SuppressWarnings("unchecked")
    @Override
    public TypeInformation<T> getProducedType() {
        return ((ResultTypeQueryable<T>) inner).getProducedType();
    }
}

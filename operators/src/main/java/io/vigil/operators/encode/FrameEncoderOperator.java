package io.vigil.operators.encode;

import io.vigil.models.FrameEncoder;
import io.vigil.models.Manifest;
import io.vigil.models.ModelOptions;
import io.vigil.operators.decode.StreamFrame;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frame encoder: frames of many streams go into one {@code FrameEncoder.encode} call ({@code
 * [N, C, H, W] → [N, D]}, C = 6 for a model with a lead, else 3), one token per frame out, in
 * arrival order (so each stream's order is kept). Chained to the {@code ChunkDecodeFunction}, so it
 * sees that task's key range and pixels stay local; its output is re-interpreted as keyed by
 * streamId.
 *
 * <p>A batch is flushed when it holds {@code maxBatch} frames, when its oldest frame has waited
 * {@code maxDelay} (a processing-time timer), in {@link #prepareSnapshotPreBarrier} (so no frame
 * sits in the buffer across a checkpoint: the operator needs no state of its own) and at end of
 * input. End-of-stream markers take their place in the buffer and pass through in order.
 */
public class FrameEncoderOperator extends AbstractStreamOperator<FrameToken>
        implements OneInputStreamOperator<StreamFrame, FrameToken>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(FrameEncoderOperator.class);

    private final String modelDir;
    private final int maxBatch;
    private final long maxDelayMs;
    private final int threads;

    private transient FrameEncoder encoder;
    private transient EncoderMetrics metrics;
    private transient List<StreamFrame> buffer;
    private transient int framesInBuffer;
    private transient boolean timerSet;

    /**
     * @param modelDir the model folder
     * @param maxBatch most frames per encoder call
     * @param maxDelay longest a frame waits for its batch to fill
     * @param threads ONNX Runtime intra-op threads
     */
    public FrameEncoderOperator(String modelDir, int maxBatch, Duration maxDelay, int threads) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1: " + maxBatch);
        }
        this.modelDir = modelDir;
        this.maxBatch = maxBatch;
        this.maxDelayMs = Math.max(0L, maxDelay.toMillis());
        this.threads = threads;
    }

    @Override
    public void open() throws Exception {
        super.open();
        // only the encoder graph: this operator never steps the memory
        Manifest manifest = Manifest.load(Path.of(modelDir));
        encoder = FrameEncoder.open(manifest, ModelOptions.defaults().withIntraOpThreads(threads));
        metrics = new EncoderMetrics(getMetricGroup());
        buffer = new ArrayList<>(maxBatch + 4);
        LOG.info(
                "FrameEncoder open: model {} on {}, max batch {}, max delay {} ms",
                manifest.id(),
                encoder.provider(),
                maxBatch,
                maxDelayMs);
    }

    @Override
    public void processElement(StreamRecord<StreamFrame> element) {
        StreamFrame f = element.getValue();
        buffer.add(f);
        if (!f.endOfStream) {
            framesInBuffer++;
        }
        if (framesInBuffer >= maxBatch || maxDelayMs == 0) {
            flush();
        } else if (!timerSet) {
            timerSet = true;
            long at = getProcessingTimeService().getCurrentProcessingTime() + maxDelayMs;
            getProcessingTimeService().registerTimer(at, t -> onTimer());
        }
    }

    private void onTimer() {
        timerSet = false;
        if (!buffer.isEmpty()) {
            metrics.flushesByTimer.inc();
            flush();
        }
    }

    /** Encodes the buffered frames in one call and emits tokens and markers in arrival order. */
    void flush() {
        if (buffer.isEmpty()) {
            return;
        }
        List<float[]> frames = new ArrayList<>(framesInBuffer); // N x [C, H, W]
        for (StreamFrame f : buffer) {
            if (!f.endOfStream) {
                frames.add(f.pixels);
            }
        }
        float[][] tokens = new float[0][]; // [N][D]
        if (!frames.isEmpty()) {
            long t0 = System.nanoTime();
            tokens = encoder.encode(frames);
            metrics.encodeMicros.update((System.nanoTime() - t0) / 1000L);
            metrics.batches.inc();
            metrics.batchSize.update(frames.size());
            metrics.framesEncoded.inc(frames.size());
        }
        int i = 0;
        for (StreamFrame f : buffer) {
            FrameToken t =
                    f.endOfStream
                            ? FrameToken.end(f.streamId, f.seq, f.streamEndMs)
                            : FrameToken.of(f.streamId, f.seq, f.ptsMs, tokens[i++]);
            output.collect(new StreamRecord<>(t));
        }
        buffer.clear();
        framesInBuffer = 0;
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        if (!buffer.isEmpty()) {
            metrics.flushesByBarrier.inc();
            flush();
        }
    }

    @Override
    public void endInput() {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    /** For tests: this instance's metrics. */
    EncoderMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() throws Exception {
        try {
            if (encoder != null) {
                encoder.close();
                encoder = null;
            }
        } finally {
            super.close();
        }
    }
}

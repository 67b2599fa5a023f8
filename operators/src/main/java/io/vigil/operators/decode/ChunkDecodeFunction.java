package io.vigil.operators.decode;

import io.vigil.models.Manifest;
import io.vigil.models.video.ChunkDecoder;
import io.vigil.models.video.FramePreprocessor;
import io.vigil.models.video.FrameSampler;
import io.vigil.models.video.HeldLead;
import io.vigil.models.video.SampledFrame;
import io.vigil.models.video.VideoDecodeException;
import io.vigil.operators.DeadLetterReason;
import io.vigil.operators.DeadLetters;
import io.vigil.operators.StateTtl;
import io.vigil.operators.source.ChunkEnvelope;
import io.vigil.operators.source.EnvelopeRouter;
import io.vigil.schemas.VideoChunk;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per stream (keyed by streamId): checks the chunk's seq, decodes the chunk with JavaCV/FFmpeg,
 * samples frames at the configured rate by media time and emits them preprocessed ({@code [3, H,
 * W]} floats; {@code [6, H, W]}, each sample with its lead frame, when the model's manifest
 * declares a lead, {@code frame.lead_ms}). Pixels never leave this task: the encoder is chained to
 * it.
 *
 * <p>Seq policy, per stream ({@code docs/runbook-understand.md}):
 *
 * <ul>
 *   <li>seq = next expected: decoded.
 *   <li>seq ahead (a gap): a {@code CHUNK_OUT_OF_ORDER} dead letter names the missing seqs, and the
 *       chunk is still decoded (every chunk is self-contained); the skipped seqs are remembered
 *       (the newest {@value #MAX_REMEMBERED_GAPS}).
 *   <li>seq behind, one of the skipped ones: a late chunk, {@code CHUNK_OUT_OF_ORDER}, dropped (the
 *       memory cannot go back in time).
 *   <li>seq behind otherwise: {@code CHUNK_DUPLICATE}, dropped.
 * </ul>
 *
 * A chunk that fails to decode is a dead letter with the decoder's reason code and still counts as
 * received. After a chunk with {@code last = true} the stream's decoder state is cleared (the id
 * may start again from seq 0) and an end-of-stream marker goes downstream.
 *
 * <p>Media time: a chunk that starts before the previous chunk of its stream is a {@code
 * CHUNK_OUT_OF_ORDER} dead letter (the memory cannot go back in time, and its frames would
 * otherwise all fall behind the sampler unseen); a stream restarts its clock only after a chunk
 * marked last.
 *
 * <p>Keyed state: next expected seq, the sampler's next sample time and the lead frame it holds for
 * that sample when a chunk ended between the two ({@link HeldLead}: {@code [3, H, W]} bytes, 399 KB
 * at 320 x 416; none when chunks are cut at whole seconds), skipped seqs, the last chunk's media
 * start.
 */
public class ChunkDecodeFunction extends KeyedProcessFunction<String, ChunkEnvelope, StreamFrame> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ChunkDecodeFunction.class);

    /** Most skipped seqs remembered per stream to tell late chunks from duplicates. */
    public static final int MAX_REMEMBERED_GAPS = 64;

    /** More frames than this in one chunk make it undecodable (a 1 MB chunk holds far fewer). */
    static final int MAX_FRAMES_PER_CHUNK = 100_000;

    private final String modelDir;
    private final double sampleFps;
    private final Duration idleTtl;
    private final Duration decodeBudget;

    private transient FramePreprocessor preprocessor;
    private transient long leadMs;
    private transient ChunkDecoder chunkDecoder;
    private transient ChunkDecodeMetrics metrics;
    private transient ValueState<Long> nextSeq;
    private transient ValueState<Long> nextSampleMs;
    private transient ValueState<long[]> skipped;
    private transient ValueState<Long> lastStartMs;
    private transient ValueState<Long> heldLeadMs;
    private transient ValueState<byte[]> heldLeadPixels; // [3, H, W], 8 bits

    /**
     * @param modelDir the model folder (only its manifest is read: frame size, normalisation, lead)
     * @param sampleFps frames sampled per second of media time
     * @param idleTtl state TTL (zero: keep forever)
     * @param decodeBudget longest one chunk may take to decode; past it the chunk is a {@code
     *     CHUNK_TOO_SLOW} dead letter
     */
    public ChunkDecodeFunction(
            String modelDir, double sampleFps, Duration idleTtl, Duration decodeBudget) {
        if (!(sampleFps > 0)) {
            throw new IllegalArgumentException("sampleFps must be > 0: " + sampleFps);
        }
        if (decodeBudget.isNegative() || decodeBudget.isZero()) {
            throw new IllegalArgumentException("decodeBudget must be > 0: " + decodeBudget);
        }
        this.modelDir = modelDir;
        this.sampleFps = sampleFps;
        this.idleTtl = idleTtl;
        this.decodeBudget = decodeBudget;
    }

    @Override
    public void open(OpenContext openContext) {
        Manifest manifest = Manifest.load(Path.of(modelDir));
        preprocessor = manifest.preprocessor();
        leadMs = manifest.leadMs();
        try {
            FrameSampler.start(sampleFps, leadMs); // the lead must fit the configured rate
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    String.format(
                            "model %s: its frame.lead_ms %d does not fit the sample rate %s fps"
                                    + " (the lead must be shorter than one sample step): %s",
                            manifest.id(), leadMs, sampleFps, e.getMessage()),
                    e);
        }
        chunkDecoder = new ChunkDecoder(MAX_FRAMES_PER_CHUNK, decodeBudget);
        metrics = new ChunkDecodeMetrics(getRuntimeContext().getMetricGroup());
        nextSeq = longState("nextSeq");
        nextSampleMs = longState("nextSampleMs");
        lastStartMs = longState("lastStartMs");
        heldLeadMs = longState("heldLeadMs");
        heldLeadPixels =
                getRuntimeContext()
                        .getState(
                                StateTtl.apply(
                                        new ValueStateDescriptor<>(
                                                "heldLeadPixels",
                                                PrimitiveArrayTypeInfo
                                                        .BYTE_PRIMITIVE_ARRAY_TYPE_INFO),
                                        idleTtl));
        skipped =
                getRuntimeContext()
                        .getState(
                                StateTtl.apply(
                                        new ValueStateDescriptor<>(
                                                "skippedSeqs",
                                                PrimitiveArrayTypeInfo
                                                        .LONG_PRIMITIVE_ARRAY_TYPE_INFO),
                                        idleTtl));
        LOG.info(
                "ChunkDecodeFunction open: model {} frame {}x{}, {} fps, lead {} ms",
                manifest.id(),
                preprocessor.width(),
                preprocessor.height(),
                sampleFps,
                leadMs);
    }

    /** A per-stream long under the idle TTL policy. */
    private ValueState<Long> longState(String name) {
        return getRuntimeContext()
                .getState(StateTtl.apply(new ValueStateDescriptor<>(name, Types.LONG), idleTtl));
    }

    @Override
    public void processElement(ChunkEnvelope in, Context ctx, Collector<StreamFrame> out)
            throws Exception {
        metrics.chunksIn.inc();
        VideoChunk chunk = in.chunk;
        String streamId = chunk.getStreamId();
        long seq = chunk.getSeq();
        long expected = nextSeq.value() == null ? 0L : nextSeq.value();
        if (seq < expected) {
            long[] gaps = skipped.value();
            if (contains(gaps, seq)) {
                skipped.update(remove(gaps, seq));
                metrics.outOfOrder.inc();
                dead(
                        ctx,
                        in,
                        DeadLetterReason.CHUNK_OUT_OF_ORDER,
                        String.format(
                                "late chunk %s#%d arrived after #%d; dropped, the memory has"
                                        + " moved past it",
                                streamId, seq, expected - 1));
            } else {
                metrics.duplicates.inc();
                dead(
                        ctx,
                        in,
                        DeadLetterReason.CHUNK_DUPLICATE,
                        String.format(
                                "chunk %s#%d was already received (next expected #%d); dropped",
                                streamId, seq, expected));
            }
            return;
        }
        if (seq > expected) {
            metrics.outOfOrder.inc();
            skipped.update(addRange(skipped.value(), expected, seq));
            dead(
                    ctx,
                    in,
                    DeadLetterReason.CHUNK_OUT_OF_ORDER,
                    String.format(
                            "gap in %s: expected #%d, got #%d (%d chunk(s) missing); this chunk"
                                    + " is decoded",
                            streamId, expected, seq, seq - expected));
        }
        nextSeq.update(seq + 1);
        Long previousStart = lastStartMs.value();
        if (previousStart != null && chunk.getMediaStartMs() < previousStart) {
            metrics.outOfOrder.inc();
            dead(
                    ctx,
                    in,
                    DeadLetterReason.CHUNK_OUT_OF_ORDER,
                    String.format(
                            "media time runs backwards in %s: chunk #%d starts at %d ms, before"
                                    + " the previous chunk's %d ms; dropped (a stream restarts its"
                                    + " clock only after a chunk marked last)",
                            streamId, seq, chunk.getMediaStartMs(), previousStart));
        } else {
            lastStartMs.update(chunk.getMediaStartMs());
            decodeAndSample(in, ctx, out);
        }
        if (chunk.getLast()) {
            metrics.streamsEnded.inc();
            out.collect(StreamFrame.end(streamId, seq, chunk.getMediaEndMs()));
            nextSeq.clear();
            nextSampleMs.clear();
            skipped.clear();
            lastStartMs.clear();
            heldLeadMs.clear();
            heldLeadPixels.clear();
        }
    }

    private void decodeAndSample(ChunkEnvelope in, Context ctx, Collector<StreamFrame> out)
            throws Exception {
        VideoChunk chunk = in.chunk;
        Long saved = nextSampleMs.value();
        Long heldMs = heldLeadMs.value();
        byte[] heldPixels = heldMs == null ? null : heldLeadPixels.value();
        if (heldMs != null
                && (heldPixels == null || heldPixels.length != preprocessor.frameSize())) {
            heldMs = null; // saved by a model of another frame size
        }
        FrameSampler sampler =
                saved == null
                        ? FrameSampler.start(sampleFps, leadMs)
                        : FrameSampler.restore(
                                sampleFps,
                                leadMs,
                                saved,
                                heldMs == null ? null : new HeldLead(heldMs, heldPixels));
        ChunkDecoder.Sampled sampled;
        long t0 = System.nanoTime();
        try {
            sampled = chunkDecoder.sample(chunk, sampler, preprocessor);
        } catch (VideoDecodeException e) {
            dropHeldLead();
            metrics.decodeErrors.inc();
            dead(ctx, in, DeadLetterReason.valueOf(e.reason().name()), e.getMessage());
            return;
        } catch (RuntimeException e) {
            dropHeldLead();
            metrics.decodeErrors.inc();
            LOG.warn("Unexpected failure decoding {}", in, e);
            dead(ctx, in, DeadLetterReason.INTERNAL_ERROR, "decoding failed: " + e);
            return;
        }
        metrics.decodeMillis.update((System.nanoTime() - t0) / 1_000_000L);
        metrics.chunksDecoded.inc();
        metrics.framesDecoded.inc(sampled.decoded());
        metrics.framesSampled.inc(sampled.frames().size());
        metrics.framesDropped.inc(sampled.inChunk() - sampled.frames().size());
        metrics.leadsMissing.inc(sampled.leadsMissing());
        for (SampledFrame f : sampled.frames()) {
            out.collect(
                    StreamFrame.frame(chunk.getStreamId(), chunk.getSeq(), f.ptsMs(), f.pixels()));
        }
        nextSampleMs.update(sampler.nextSampleMs());
        HeldLead held = sampler.heldLead();
        if (held == null) {
            dropHeldLead();
        } else if (heldMs == null || heldMs != held.ptsMs()) {
            heldLeadMs.update(held.ptsMs());
            heldLeadPixels.update(held.pixels());
        }
    }

    /** A chunk that failed leaves a gap: the next sample's lead is not held across it. */
    private void dropHeldLead() {
        heldLeadMs.clear();
        heldLeadPixels.clear();
    }

    private void dead(Context ctx, ChunkEnvelope in, DeadLetterReason reason, String message) {
        metrics.deadLetters.inc();
        ctx.output(
                EnvelopeRouter.DEAD_LETTERS,
                DeadLetters.of(
                        in.topic,
                        in.partition,
                        in.offset,
                        in.chunk.getStreamId(),
                        reason,
                        message,
                        in.chunk.getData()));
    }

    static boolean contains(long[] a, long v) {
        if (a == null) {
            return false;
        }
        for (long x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    static long[] remove(long[] a, long v) {
        return Arrays.stream(a).filter(x -> x != v).toArray();
    }

    /** {@code a} plus {@code [from, to)}, keeping the newest {@value #MAX_REMEMBERED_GAPS}. */
    static long[] addRange(long[] a, long from, long to) {
        long start = Math.max(from, to - MAX_REMEMBERED_GAPS);
        long[] base = a == null ? new long[0] : a;
        long[] all = new long[base.length + (int) (to - start)];
        System.arraycopy(base, 0, all, 0, base.length);
        for (long s = start; s < to; s++) {
            all[base.length + (int) (s - start)] = s;
        }
        return all.length <= MAX_REMEMBERED_GAPS
                ? all
                : Arrays.copyOfRange(all, all.length - MAX_REMEMBERED_GAPS, all.length);
    }
}

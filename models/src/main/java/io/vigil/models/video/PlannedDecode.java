package io.vigil.models.video;

import io.vigil.models.video.ChunkDecoder.FrameCounts;
import io.vigil.models.video.ChunkDecoder.SampleSink;
import io.vigil.models.video.VideoDecodeException.Reason;
import java.nio.ByteBuffer;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the runs of a {@link SamplePlan} and hands the sampled frames, as RGB, to a sink: each
 * run's packets are sent, the decoder is drained, and before the next run it is restarted (the next
 * run begins at a closed GOP). Every frame that comes out is checked against the plan (the run's
 * packet times, in presentation order); at the first difference (a packet that did not decode, a
 * frame out of order) it gives up, and the caller decodes the whole chunk instead. Used once; not
 * thread-safe.
 */
final class PlannedDecode {
    private static final Logger LOG = LoggerFactory.getLogger(PlannedDecode.class);

    /** What {@link #run} returns when the decoder's output differs from the plan. */
    static final int DIFFERS = -1;

    private final NativeChunk chunk;
    private final RgbConverter rgb;
    private final SampleSink sink;
    private final long[] sampledPts;
    private final long[] sampledMs;
    private int nextSample;
    private int decoded;
    private long[] expected;
    private int seen;

    private PlannedDecode(NativeChunk chunk, SamplePlan plan, RgbConverter rgb, SampleSink sink) {
        this.chunk = chunk;
        this.rgb = rgb;
        this.sink = sink;
        this.sampledPts = plan.sampledPts();
        this.sampledMs = plan.sampledMs();
    }

    /**
     * Opens the chunk without stream analysis ({@link NativeChunk#openUnprobed}), demuxes it, plans
     * ({@link SamplePlan}) and decodes only the planned packets; on success advances {@code
     * sampler} past the sampled frames. A chunk that does not open so is left to the full decode,
     * which opens it with analysis and reports what is wrong with it.
     *
     * @return the counts, or null when the chunk has to be decoded in full instead (it does not fit
     *     a plan, the decoder's output differs from it, or something failed): the sampler is then
     *     untouched, and the sink restarted if it got frames
     * @throws VideoDecodeException CHUNK_TOO_SLOW past {@code deadline}
     */
    static FrameCounts decode(
            byte[] data,
            String format,
            long baseMs,
            FrameSampler sampler,
            SampleSink sink,
            long deadline,
            int maxFrames) {
        String what = ChunkDecoder.what(data, format);
        NativeChunk opened;
        try {
            opened = NativeChunk.openUnprobed(data, format, deadline);
        } catch (VideoDecodeException e) {
            if (e.reason() == Reason.CHUNK_TOO_SLOW || e.reason() == Reason.FRAME_TOO_LARGE) {
                throw e;
            }
            LOG.debug(
                    "Decoding every frame of {}: it does not open unprobed: {}",
                    what,
                    e.getMessage());
            return null;
        }
        try (NativeChunk chunk = opened;
                VideoPackets packets = chunk.readVideoPackets();
                RgbConverter rgb = new RgbConverter()) {
            String notPlanned =
                    chunk.codecId() != avcodec.AV_CODEC_ID_H264
                            ? "not H.264"
                            : packets.anyCorrupt() ? "the demuxer flagged a packet corrupt" : null;
            SamplePlan plan =
                    notPlanned != null
                            ? null
                            : SamplePlan.of(
                                    packets.pts(),
                                    packets.dts(),
                                    packets.keyframes(),
                                    packets::idr,
                                    chunk::timestampUs,
                                    baseMs,
                                    sampler,
                                    maxFrames);
            if (plan == null || !plan.usable()) {
                LOG.debug(
                        "Decoding every frame of {}: {}",
                        what,
                        plan == null ? notPlanned : plan.fallback());
                return null;
            }
            int decoded = run(chunk, packets, plan, rgb, sink);
            if (decoded == DIFFERS) {
                LOG.debug(
                        "Decoding every frame of {}: the decoder's output differs from the plan",
                        what);
                sink.restart();
                return null;
            }
            for (long ms : plan.sampledMs()) {
                // takes each (samples, and leads with a lead): the plan ran a copy over these
                sampler.accept(ms);
            }
            return new FrameCounts(plan.frames(), decoded);
        } catch (VideoDecodeException e) {
            throw e; // past the deadline: decoding everything would not have been faster
        } catch (RuntimeException e) {
            LOG.warn("Decoding every frame of {}: skipping frames failed", what, e);
            sink.restart();
            return null;
        }
    }

    /**
     * @return frames decoded, or {@link #DIFFERS} (the sink may then have been given some frames)
     * @throws VideoDecodeException CHUNK_TOO_SLOW past the chunk's deadline
     */
    static int run(
            NativeChunk chunk,
            VideoPackets packets,
            SamplePlan plan,
            RgbConverter rgb,
            SampleSink sink) {
        return new PlannedDecode(chunk, plan, rgb, sink).decode(packets, plan);
    }

    private int decode(VideoPackets packets, SamplePlan plan) {
        boolean first = true;
        for (SamplePlan.Run run : plan.runs()) {
            if (!first) {
                chunk.restart();
            }
            first = false;
            expected = run.expectedPts();
            seen = 0;
            for (int i = run.from(); i <= run.to(); i++) {
                chunk.send(packets.packet(i));
                if (!receiveAll()) {
                    return DIFFERS;
                }
            }
            chunk.send(null);
            if (!receiveAll() || seen != expected.length) {
                return DIFFERS;
            }
        }
        return nextSample == sampledPts.length ? decoded : DIFFERS;
    }

    /** Takes every frame the decoder has ready; false at one the plan did not expect. */
    private boolean receiveAll() {
        AVFrame picture;
        while ((picture = chunk.receive()) != null) {
            long pts = picture.best_effort_timestamp();
            if (seen >= expected.length || pts != expected[seen]) {
                return false;
            }
            seen++;
            decoded++;
            if (nextSample < sampledPts.length && pts == sampledPts[nextSample]) {
                ByteBuffer pixels = rgb.convert(picture);
                sink.accept(
                        sampledMs[nextSample],
                        pixels,
                        picture.width(),
                        picture.height(),
                        rgb.stride());
                nextSample++;
            }
        }
        return true;
    }
}

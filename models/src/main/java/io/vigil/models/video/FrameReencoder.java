package io.vigil.models.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import java.io.ByteArrayOutputStream;
import java.util.function.LongConsumer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.FrameRecorder;

/**
 * Decodes a source and re-encodes it to H.264, one fresh encoder per chunk (so every chunk starts
 * with SPS/PPS and a keyframe), a keyframe every {@link ChunkerOptions#gopSeconds()}. The bit rate
 * is capped so a chunk of {@link ChunkerOptions#targetChunkMs()} stays well under the byte limit; a
 * chunk is also cut early, at a GOP boundary, when the next GOP might not fit.
 */
final class FrameReencoder {
    /** Receives one encoded chunk; times in ms relative to the source's first frame. */
    interface Cutter {
        void cut(byte[] data, long startMs, long endMs, ChunkSink sink)
                throws VideoSourceException, InterruptedException;
    }

    private final ChunkerOptions options;
    private final Cutter cutter;

    private FFmpegFrameRecorder recorder;
    private ByteArrayOutputStream out;
    private long chunkStartMs;
    private long lastFrameMs;
    private int framesInChunk;

    FrameReencoder(ChunkerOptions options, Cutter cutter) {
        this.options = options;
        this.cutter = cutter;
    }

    /** Re-encodes from the first frame at or after {@code skipBeforeMs} to the end. */
    void run(FFmpegFrameGrabber grabber, long skipBeforeMs, ChunkSink sink, LongConsumer progressMs)
            throws VideoSourceException, InterruptedException {
        double fps = grabber.getFrameRate();
        if (!(fps > 0 && fps <= 240)) {
            fps = 25;
        }
        int width = grabber.getImageWidth() & ~1;
        int height = grabber.getImageHeight() & ~1;
        int gopFrames = (int) Math.max(1, Math.round(fps * options.gopSeconds()));
        double frameMs = 1000.0 / fps;
        long bitrate = bitrate(width, height, fps);
        long firstTimestampUs = Long.MIN_VALUE;
        long sizeAtGopStart = 0;
        long largestGop = 0;
        try {
            Frame frame;
            while ((frame = grabImage(grabber)) != null) {
                VideoChunker.checkInterrupted();
                if (frame.image == null) {
                    continue;
                }
                if (firstTimestampUs == Long.MIN_VALUE) {
                    firstTimestampUs = frame.timestamp;
                }
                long tMs = (frame.timestamp - firstTimestampUs) / 1000;
                if (tMs < skipBeforeMs) {
                    continue;
                }
                if (recorder != null && framesInChunk % gopFrames == 0) {
                    long size = out.size();
                    largestGop = Math.max(largestGop, size - sizeAtGopStart);
                    boolean longEnough = tMs - chunkStartMs >= options.targetChunkMs();
                    boolean mayOverflow = size + 2 * largestGop > options.maxChunkBytes();
                    if (longEnough || mayOverflow) {
                        finishChunk(frameMs, sink);
                        progressMs.accept(tMs);
                        sizeAtGopStart = 0;
                    } else {
                        sizeAtGopStart = size;
                    }
                }
                if (recorder == null) {
                    startChunk(width, height, fps, gopFrames, bitrate);
                    chunkStartMs = tMs;
                }
                recorder.record(frame);
                framesInChunk++;
                lastFrameMs = tMs;
            }
            if (recorder != null) {
                finishChunk(frameMs, sink);
                progressMs.accept(lastFrameMs);
            }
        } catch (FrameRecorder.Exception e) {
            throw new VideoSourceException("cannot encode H.264: " + e.getMessage(), e);
        } finally {
            releaseRecorder();
        }
    }

    private long bitrate(int width, int height, double fps) {
        long natural = (long) Math.max(200_000, width * (double) height * fps * 0.15);
        long cap = options.maxChunkBytes() * 8L * 1000 / (options.targetChunkMs() * 3);
        return Math.max(50_000, Math.min(natural, cap));
    }

    private void startChunk(int width, int height, double fps, int gopFrames, long bitrate)
            throws FrameRecorder.Exception {
        out = new ByteArrayOutputStream(128 * 1024);
        recorder = new FFmpegFrameRecorder(out, width, height, 0);
        recorder.setFormat("mpegts");
        recorder.setVideoCodec(AV_CODEC_ID_H264);
        recorder.setPixelFormat(AV_PIX_FMT_YUV420P);
        recorder.setFrameRate(fps);
        recorder.setGopSize(gopFrames);
        recorder.setVideoBitrate((int) bitrate);
        recorder.start();
        framesInChunk = 0;
    }

    private void finishChunk(double frameMs, ChunkSink sink)
            throws FrameRecorder.Exception, VideoSourceException, InterruptedException {
        recorder.stop();
        releaseRecorder();
        byte[] data = out.toByteArray();
        out = null;
        long endMs = Math.round(lastFrameMs + frameMs);
        cutter.cut(data, chunkStartMs, endMs, sink);
    }

    private void releaseRecorder() {
        if (recorder != null) {
            try {
                recorder.release();
            } catch (FrameRecorder.Exception e) {
                // best effort: the chunk is already written or the run failed anyway
            }
            recorder = null;
        }
    }

    private static Frame grabImage(FFmpegFrameGrabber grabber) throws VideoSourceException {
        try {
            return grabber.grabImage();
        } catch (FrameGrabber.Exception e) {
            throw new VideoSourceException("cannot decode the source: " + e.getMessage(), e);
        }
    }
}

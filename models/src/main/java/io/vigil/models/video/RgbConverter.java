package io.vigil.models.video;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_image_fill_arrays;
import static org.bytedeco.ffmpeg.global.avutil.av_image_fill_linesizes;
import static org.bytedeco.ffmpeg.global.avutil.av_image_get_buffer_size;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import java.nio.ByteBuffer;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Converts a decoded picture (any pixel format FFmpeg decodes to) to packed RGB24 at its own size,
 * into one native buffer reused across frames, with the same swscale settings JavaCV's grabber uses
 * (bilinear, 64-byte aligned rows), so the bytes equal what the grabber would have converted. Only
 * the frames a caller wants are converted. Not thread-safe; close it to free the native memory.
 */
final class RgbConverter implements AutoCloseable {
    private static final int ALIGN = 64;

    private SwsContext context;
    private AVFrame rgb;
    private BytePointer buffer;
    private int width;
    private int height;

    /**
     * @param picture a decoded frame ({@code FFmpegFrameGrabber}'s {@code Frame.opaque} in RAW
     *     image mode)
     * @return its RGB24 rows, {@link #stride()} bytes apart; valid until the next call
     */
    ByteBuffer convert(AVFrame picture) {
        int w = picture.width();
        int h = picture.height();
        if (w <= 0 || h <= 0) {
            throw new IllegalStateException("decoded picture of " + w + "x" + h);
        }
        VideoDecodeException.checkFrameSize(w, h, "a decoded picture");
        if (rgb == null || w != width || h != height) {
            allocate(w, h);
        }
        context =
                sws_getCachedContext(
                        context,
                        w,
                        h,
                        picture.format(),
                        w,
                        h,
                        AV_PIX_FMT_RGB24,
                        SWS_BILINEAR,
                        null,
                        null,
                        (DoublePointer) null);
        if (context == null) {
            throw new IllegalStateException(
                    "swscale cannot convert pixel format " + picture.format() + " to RGB24");
        }
        sws_scale(
                context,
                new PointerPointer<>(picture),
                picture.linesize(),
                0,
                h,
                new PointerPointer<>(rgb),
                rgb.linesize());
        ByteBuffer b = buffer.asBuffer();
        b.limit(stride() * (h - 1) + 3 * w);
        return b;
    }

    /** Bytes from one RGB row to the next. */
    int stride() {
        return rgb.linesize(0);
    }

    private void allocate(int w, int h) {
        freeFrame();
        rgb = av_frame_alloc();
        int stride = w;
        for (int i = 1; i <= ALIGN; i += i) {
            stride = (w + (i - 1)) & ~(i - 1);
            av_image_fill_linesizes(rgb.linesize(), AV_PIX_FMT_RGB24, stride);
            if ((rgb.linesize(0) & (ALIGN - 1)) == 0) {
                break;
            }
        }
        int size = av_image_get_buffer_size(AV_PIX_FMT_RGB24, stride, h, 1);
        buffer = new BytePointer(av_malloc(size)).capacity(size);
        av_image_fill_arrays(
                new PointerPointer<>(rgb), rgb.linesize(), buffer, AV_PIX_FMT_RGB24, stride, h, 1);
        rgb.format(AV_PIX_FMT_RGB24);
        rgb.width(w);
        rgb.height(h);
        width = w;
        height = h;
    }

    private void freeFrame() {
        if (buffer != null) {
            av_free(buffer);
            buffer = null;
        }
        if (rgb != null) {
            av_frame_free(rgb);
            rgb = null;
        }
    }

    @Override
    public void close() {
        freeFrame();
        if (context != null) {
            sws_freeContext(context);
            context = null;
        }
    }
}

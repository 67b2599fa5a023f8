package io.vigil.models.video;

import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.javacpp.BytePointer;

/**
 * Reads the type of an H.264 access unit's first slice from its NAL unit headers, in Annex B (start
 * codes, as in MPEG-TS) or length-prefixed (avcC, as in Matroska) form. Only what {@link
 * SamplePlan} and the decoder's choice of strictness need: whether a keyframe is an IDR picture,
 * after which no frame refers to an earlier one.
 */
final class H264Nal {
    private static final int NON_IDR_SLICE = 1;
    private static final int SLICE_PARTITION_A = 2;
    private static final int IDR_SLICE = 5;

    private H264Nal() {}

    /**
     * Whether the first slice in {@code au} is an IDR slice; false when it is another slice or no
     * slice is found in these bytes.
     *
     * @param nalLengthSize bytes of each NAL unit's length prefix, or 0 for start codes
     */
    static boolean startsIdr(byte[] au, int nalLengthSize) {
        int type =
                nalLengthSize == 0
                        ? firstSliceAnnexB(au)
                        : firstSliceLengthPrefixed(au, nalLengthSize);
        return type == IDR_SLICE;
    }

    /**
     * Bytes of each NAL unit's length prefix in a stream's H.264 packets when its extra data is an
     * avcC record (Matroska, MP4); 0 for Annex B start codes (MPEG-TS).
     */
    static int lengthSize(AVCodecParameters par) {
        BytePointer extra = par.extradata();
        if (extra == null || par.extradata_size() < 7 || extra.get(0) != 1) {
            return 0;
        }
        return (extra.get(4) & 3) + 1;
    }

    /** How many bytes of a packet are searched for its first slice. */
    private static final int HEAD = 64 * 1024;

    /** {@link #startsIdr} of an H.264 packet's first bytes. */
    static boolean startsIdr(AVPacket p, int nalLengthSize) {
        int n = Math.min(p.size(), HEAD);
        if (n <= 0 || p.data() == null) {
            return false;
        }
        byte[] head = new byte[n];
        p.data().get(head, 0, n);
        return startsIdr(head, nalLengthSize);
    }

    private static boolean isSlice(int type) {
        return type == NON_IDR_SLICE || type == SLICE_PARTITION_A || type == IDR_SLICE;
    }

    private static int firstSliceAnnexB(byte[] b) {
        for (int i = 0; i + 3 < b.length; i++) {
            if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
                int type = b[i + 3] & 0x1f;
                if (isSlice(type)) {
                    return type;
                }
                i += 2;
            }
        }
        return -1;
    }

    private static int firstSliceLengthPrefixed(byte[] b, int lengthSize) {
        int pos = 0;
        while (pos + lengthSize < b.length) {
            long len = 0;
            for (int k = 0; k < lengthSize; k++) {
                len = (len << 8) | (b[pos + k] & 0xff);
            }
            int type = b[pos + lengthSize] & 0x1f;
            if (isSlice(type)) {
                return type;
            }
            if (len <= 0) {
                return -1;
            }
            pos += lengthSize + (int) Math.min(len, b.length);
        }
        return -1;
    }
}

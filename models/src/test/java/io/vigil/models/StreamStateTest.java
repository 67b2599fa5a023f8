package io.vigil.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StreamStateTest {
    static final MambaConfig CONFIG = new MambaConfig(4, 128, 256, 4, 16);

    static StreamState random(long seed) {
        Random r = new Random(seed);
        float[] conv = new float[CONFIG.convStateSize()];
        float[] ssm = new float[CONFIG.ssmStateSize()];
        for (int i = 0; i < conv.length; i++) {
            conv[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < ssm.length; i++) {
            ssm[i] = (float) r.nextGaussian();
        }
        return StreamState.of(CONFIG, conv, ssm, 1 + r.nextInt(100_000));
    }

    @Test
    void zerosHasTheConfiguredShape() {
        StreamState s = StreamState.zeros(CONFIG);
        assertThat(s.conv()).hasSize(4 * 256 * 3).containsOnly(0f);
        assertThat(s.ssm()).hasSize(4 * 256 * 16).containsOnly(0f);
        assertThat(s.framesSeen()).isZero();
        assertThat(s.fits(CONFIG)).isTrue();
        assertThat(s.fits(new MambaConfig(4, 128, 256, 4, 8))).isFalse();
    }

    @Test
    void binaryRoundTripIsExact() {
        StreamState s = random(1);
        byte[] bytes = s.toBytes();
        StreamState back = StreamState.fromBytes(bytes);
        assertThat(back).isEqualTo(s).hasSameHashCodeAs(s);
        assertThat(back.framesSeen()).isEqualTo(s.framesSeen());
        assertThat(back.conv()).containsExactly(s.conv());
        assertThat(back.ssm()).containsExactly(s.ssm());
        assertThat(back.toBytes()).isEqualTo(bytes);
    }

    @Test
    void roundTripKeepsSpecialFloats() {
        StreamState s = StreamState.zeros(CONFIG);
        s.conv()[0] = Float.NaN;
        s.conv()[1] = -0f;
        s.ssm()[2] = Float.MIN_VALUE;
        s.ssm()[3] = Float.NEGATIVE_INFINITY;
        assertThat(StreamState.fromBytes(s.toBytes())).isEqualTo(s);
    }

    @Test
    void sizeBytesIsTheBinaryLengthAndConstant() {
        StreamState s = StreamState.zeros(CONFIG);
        long expected = 4 + 1 + 16 + 8 + 4L * (4 * 256 * 3 + 4 * 256 * 16);
        assertThat(s.sizeBytes()).isEqualTo(expected).isEqualTo(s.toBytes().length);
        assertThat(random(2).sizeBytes()).isEqualTo(expected);
    }

    @Test
    void copyIsDeepAndIndependent() {
        StreamState s = random(3);
        StreamState c = s.copy();
        assertThat(c).isEqualTo(s).isNotSameAs(s);
        assertThat(c.conv()).isNotSameAs(s.conv());
        assertThat(c.ssm()).isNotSameAs(s.ssm());

        float[] convBefore = s.conv().clone();
        float[] ssmBefore = s.ssm().clone();
        c.conv()[5] += 1f;
        c.ssm()[7] += 1f;
        c.incrementFramesSeen();

        assertThat(s.conv()).containsExactly(convBefore);
        assertThat(s.ssm()).containsExactly(ssmBefore);
        assertThat(c).isNotEqualTo(s);
        assertThat(c.framesSeen()).isEqualTo(s.framesSeen() + 1);
    }

    @Test
    void equalsSeesEveryField() {
        StreamState a = random(4);
        StreamState b = a.copy();
        b.incrementFramesSeen();
        assertThat(a).isNotEqualTo(b);
        StreamState c = a.copy();
        c.ssm()[c.ssm().length - 1] = Math.nextUp(c.ssm()[c.ssm().length - 1]);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void badMagicIsRejectedClearly() {
        byte[] bytes = random(5).toBytes();
        bytes[0] = 'X';
        assertThatThrownBy(() -> StreamState.fromBytes(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("magic");
    }

    @Test
    void otherVersionIsRejectedClearly() {
        byte[] bytes = random(6).toBytes();
        bytes[4] = 0;
        assertThatThrownBy(() -> StreamState.fromBytes(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version 0")
                .hasMessageContaining("version 1");
    }

    @Test
    void truncatedOrShortBytesAreRejected() {
        byte[] bytes = random(7).toBytes();
        assertThatThrownBy(() -> StreamState.fromBytes(Arrays.copyOf(bytes, bytes.length - 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs " + bytes.length + " bytes");
        assertThatThrownBy(() -> StreamState.fromBytes(new byte[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a StreamState");
        assertThatThrownBy(() -> StreamState.fromBytes(null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void corruptDimsAreRejected() {
        byte[] bytes = random(8).toBytes();
        bytes[5] = (byte) 0xff; // L = negative
        bytes[6] = (byte) 0xff;
        bytes[7] = (byte) 0xff;
        bytes[8] = (byte) 0xff;
        assertThatThrownBy(() -> StreamState.fromBytes(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("corrupt");
    }

    @Test
    void ofChecksArrayLengths() {
        assertThatThrownBy(() -> StreamState.of(CONFIG, new float[3], new float[4], 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("do not fit");
    }
}

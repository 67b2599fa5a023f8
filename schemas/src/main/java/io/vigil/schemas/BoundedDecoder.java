package io.vigil.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Avro binary decoding of one value held in memory that never allocates more than the value could
 * hold: a string or bytes field whose declared length exceeds the bytes left is refused before
 * anything is allocated. Avro's own decoder allocates the declared length first (up to 2 GB), so
 * ten random bytes on a topic could exhaust the heap of the task that reads them.
 *
 * <p>vigil's schemas have no arrays or maps; their counts pass through unchecked.
 */
final class BoundedDecoder extends Decoder {
    private final BinaryDecoder in;
    private final InputStream left;

    BoundedDecoder(BinaryDecoder in) {
        this.in = in;
        this.left = in.inputStream();
    }

    boolean isEnd() throws IOException {
        return in.isEnd();
    }

    private int length(String what) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            throw new IOException("a " + what + " of negative length " + length);
        }
        int available = left.available();
        if (length > available) {
            throw new IOException(
                    "a " + what + " of " + length + " bytes with " + available + " bytes left");
        }
        return length;
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = length("string");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        in.readFixed(result.getBytes(), 0, length);
        return result;
    }

    @Override
    public String readString() throws IOException {
        return readString(null).toString();
    }

    @Override
    public void skipString() throws IOException {
        in.skipFixed(length("string"));
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        byte[] bytes = new byte[length("bytes field")];
        in.readFixed(bytes);
        return ByteBuffer.wrap(bytes);
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipFixed(length("bytes field"));
    }

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public long readArrayStart() throws IOException {
        return in.readArrayStart();
    }

    @Override
    public long arrayNext() throws IOException {
        return in.arrayNext();
    }

    @Override
    public long skipArray() throws IOException {
        return in.skipArray();
    }

    @Override
    public long readMapStart() throws IOException {
        return in.readMapStart();
    }

    @Override
    public long mapNext() throws IOException {
        return in.mapNext();
    }

    @Override
    public long skipMap() throws IOException {
        return in.skipMap();
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }
}

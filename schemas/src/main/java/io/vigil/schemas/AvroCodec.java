package io.vigil.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * The wire format of every vigil topic: plain Avro binary of one record, no header, no schema
 * registry; the writer schema is the generated class's schema. The job, the command line and the
 * tests all read and write through this one codec.
 *
 * <p>Decoding is strict: empty values, bytes that are not a record of this type, and trailing bytes
 * after the record (random bytes often decode as some prefix of a record) are all {@link
 * Malformed}, with a short reason. A string or bytes field longer than the value itself is refused
 * before anything is allocated ({@link BoundedDecoder}), so no value can exhaust the heap.
 * Serializable (a Flink deserializer holds one; the reader and writer are made on first use) and
 * thread-safe.
 *
 * @param <T> the generated record class
 */
public final class AvroCodec<T extends SpecificRecord> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Why bytes are not a record of the codec's type. */
    public static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Class<T> type;
    private transient volatile SpecificDatumReader<T> reader;
    private transient volatile SpecificDatumWriter<T> writer;

    private AvroCodec(Class<T> type) {
        this.type = type;
    }

    public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
        return new AvroCodec<>(type);
    }

    /** The record's bytes as they go on a topic. */
    public byte[] encode(T record) {
        SpecificDatumWriter<T> writer = this.writer;
        if (writer == null) {
            writer = new SpecificDatumWriter<>(type);
            this.writer = writer;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new UncheckedIOException(
                    new IOException("cannot encode a " + type.getSimpleName() + ": " + e, e));
        }
        return out.toByteArray();
    }

    /**
     * One record from a topic value.
     *
     * @throws Malformed when the bytes are empty, not a record of this type, or longer than one
     */
    public T decode(byte[] bytes) throws Malformed {
        if (bytes == null || bytes.length == 0) {
            throw new Malformed("empty record value", null);
        }
        SpecificDatumReader<T> reader = this.reader;
        if (reader == null) {
            reader = new SpecificDatumReader<>(type);
            this.reader = reader;
        }
        T record;
        try {
            BoundedDecoder decoder =
                    new BoundedDecoder(DecoderFactory.get().binaryDecoder(bytes, null));
            record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new Malformed(
                        "not a " + type.getSimpleName() + ": trailing bytes after the record",
                        null);
            }
        } catch (Malformed e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new Malformed("not a " + type.getSimpleName() + " in Avro binary: " + e, e);
        }
        return record;
    }

    public Class<T> type() {
        return type;
    }
}

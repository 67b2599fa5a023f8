package io.vigil.operators.source;

import java.io.IOException;
import java.io.Serializable;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decodes plain Avro binary (no header, the writer schema = the generated class's schema) and
 * refuses anything else: every failure becomes a {@link Malformed} with a short reason, never an
 * exception out of the source. Trailing bytes after the record count as malformed (random bytes
 * often decode as some prefix of a record).
 */
final class AvroRecordDecoder<T extends SpecificRecord> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Why bytes are not a record. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Class<T> type;
    private transient SpecificDatumReader<T> reader;
    private transient BinaryDecoder decoder;

    AvroRecordDecoder(Class<T> type) {
        this.type = type;
    }

    T decode(byte[] bytes) throws Malformed {
        if (bytes == null || bytes.length == 0) {
            throw new Malformed("empty record value", null);
        }
        if (reader == null) {
            reader = new SpecificDatumReader<>(type);
        }
        try {
            decoder = DecoderFactory.get().binaryDecoder(bytes, decoder);
            T record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new Malformed(
                        "not a " + type.getSimpleName() + ": trailing bytes after the record",
                        null);
            }
            return record;
        } catch (Malformed e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new Malformed("not a " + type.getSimpleName() + " in Avro binary: " + e, e);
        }
    }
}

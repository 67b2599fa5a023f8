package io.vigil.jobs.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Avro specific binary encoding of vigil records, without a schema registry: the bytes on the
 * topics are exactly what {@link SpecificDatumWriter} writes, which is what the Flink job reads.
 *
 * @param <T> the generated record class
 */
public final class AvroCodec<T extends SpecificRecordBase> {
    private final SpecificDatumWriter<T> writer;
    private final SpecificDatumReader<T> reader;

    private AvroCodec(Class<T> type) {
        this.writer = new SpecificDatumWriter<>(type);
        this.reader = new SpecificDatumReader<>(type);
    }

    public static <T extends SpecificRecordBase> AvroCodec<T> of(Class<T> type) {
        return new AvroCodec<>(type);
    }

    public byte[] encode(T record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + record.getSchema().getName(), e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes one record.
     *
     * @throws IOException when the bytes are not a valid record of this type
     */
    public T decode(byte[] bytes) throws IOException {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
        try {
            return reader.read(null, decoder);
        } catch (RuntimeException e) {
            throw new IOException("not a valid Avro " + reader.getSchema().getName(), e);
        }
    }
}

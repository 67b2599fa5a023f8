package io.vigil.jobs.understand;

import java.util.Locale;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;

/** Turns {@link UnderstandJobOptions} into the Flink settings the job runs with. */
final class UnderstandEnvironment {
    private UnderstandEnvironment() {}

    static Configuration flinkConfiguration(Configuration options) {
        Configuration c = new Configuration(options);
        // Kafka client properties (passwords among them) are for the sources and sinks alone,
        // which KafkaIo builds from the options; kept out of the job's Flink configuration, they
        // do not show in Flink's web UI, REST API or logs, which mask by key only.
        String kafka = UnderstandJobOptions.KAFKA_PROPERTIES.key();
        for (String key : options.keySet()) {
            if (key.equals(kafka) || key.startsWith(kafka + ".")) {
                c.removeKey(key);
            }
        }
        String backend =
                options.get(UnderstandJobOptions.STATE_BACKEND).trim().toLowerCase(Locale.ROOT);
        if (!backend.equals("hashmap") && !backend.equals("rocksdb")) {
            throw new IllegalArgumentException(
                    UnderstandJobOptions.STATE_BACKEND.key()
                            + " must be hashmap or rocksdb, got "
                            + backend);
        }
        c.set(StateBackendOptions.STATE_BACKEND, backend);
        if (backend.equals("rocksdb")) {
            c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        }
        options.getOptional(UnderstandJobOptions.CHECKPOINT_DIR)
                .ifPresent(
                        dir -> {
                            c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
                            c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
                        });
        c.set(
                CheckpointingOptions.CHECKPOINTING_INTERVAL,
                options.get(UnderstandJobOptions.CHECKPOINT_INTERVAL));
        c.set(
                CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE,
                org.apache.flink.core.execution.CheckpointingMode.EXACTLY_ONCE);
        c.set(CoreOptions.DEFAULT_PARALLELISM, options.get(UnderstandJobOptions.PARALLELISM));
        // no silent Kryo fallback: every record and state type has a Flink or Avro serializer
        c.set(PipelineOptions.GENERIC_TYPES, false);
        return c;
    }
}

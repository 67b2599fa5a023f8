package io.vigil.jobs.understand;

import io.vigil.schemas.Topics;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;

/**
 * Typed options of the {@code understand} job (key, default, description). Operators receive the
 * values they need through their constructors; nothing reads string maps at run time. Keys are
 * documented in {@code docs/runbook-understand.md}.
 */
public final class UnderstandJobOptions {
    private UnderstandJobOptions() {}

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key("vigil.kafka.bootstrap-servers")
                    .stringType()
                    .defaultValue("localhost:9092")
                    .withDescription("Kafka bootstrap servers for all sources and sinks.");

    public static final ConfigOption<Map<String, String>> KAFKA_PROPERTIES =
            ConfigOptions.key("vigil.kafka.properties")
                    .mapType()
                    .defaultValue(Map.of())
                    .withDescription(
                            "Extra Kafka client properties for every source and sink, e.g."
                                    + " security.protocol:SASL_SSL,sasl.mechanism:PLAIN (the"
                                    + " options above win where they overlap).");

    public static final ConfigOption<String> CHUNKS_TOPIC =
            ConfigOptions.key("vigil.topic.chunks")
                    .stringType()
                    .defaultValue(Topics.CHUNKS)
                    .withDescription("Input topic of VideoChunk records (key = streamId).");

    public static final ConfigOption<String> QUESTIONS_TOPIC =
            ConfigOptions.key("vigil.topic.questions")
                    .stringType()
                    .defaultValue(Topics.QUESTIONS)
                    .withDescription("Input topic of Question records (key = streamId).");

    public static final ConfigOption<String> CAPTIONS_TOPIC =
            ConfigOptions.key("vigil.topic.captions")
                    .stringType()
                    .defaultValue(Topics.CAPTIONS)
                    .withDescription("Output topic of Caption records.");

    public static final ConfigOption<String> ANSWERS_TOPIC =
            ConfigOptions.key("vigil.topic.answers")
                    .stringType()
                    .defaultValue(Topics.ANSWERS)
                    .withDescription("Output topic of Answer records.");

    public static final ConfigOption<String> DEADLETTER_TOPIC =
            ConfigOptions.key("vigil.topic.deadletter")
                    .stringType()
                    .defaultValue(Topics.DEADLETTER)
                    .withDescription("Output topic of DeadLetter records.");

    public static final ConfigOption<String> GROUP_ID =
            ConfigOptions.key("vigil.kafka.group-id")
                    .stringType()
                    .defaultValue("vigil-understand")
                    .withDescription(
                            "Consumer group id of the sources (offsets live in Flink checkpoints;"
                                    + " the group is committed to on checkpoints for monitoring).");

    public static final ConfigOption<String> STARTING_OFFSETS =
            ConfigOptions.key("vigil.kafka.starting-offsets")
                    .stringType()
                    .defaultValue("earliest")
                    .withDescription(
                            "Where a fresh job (no checkpoint) starts reading: earliest, latest or"
                                    + " committed (the group's offsets, else earliest).");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            ConfigOptions.key("vigil.kafka.transactional-id-prefix")
                    .stringType()
                    .defaultValue("vigil-understand")
                    .withDescription(
                            "Prefix of the exactly-once sinks' transactional ids; must be unique"
                                    + " per job on a cluster (each sink appends its own suffix).");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT =
            ConfigOptions.key("vigil.kafka.transaction-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "transaction.timeout.ms of the sinks' producers; must be at most the"
                                    + " broker's transaction.max.timeout.ms (default 15 min) and"
                                    + " well above the checkpoint interval.");

    public static final ConfigOption<String> MODEL_DIR =
            ConfigOptions.key("vigil.model.dir")
                    .stringType()
                    .defaultValue("models/vigil-tiny")
                    .withDescription(
                            "Model folder (manifest.json + ONNX graphs), readable on every"
                                    + " TaskManager.");

    public static final ConfigOption<Double> SAMPLE_FPS =
            ConfigOptions.key("vigil.sample.fps")
                    .doubleType()
                    .defaultValue(1.0)
                    .withDescription(
                            "Frames sampled per second of media time (the model was trained at"
                                    + " its manifest's sample_fps; 1.0 for vigil-tiny).");

    public static final ConfigOption<Duration> SEGMENT_LENGTH =
            ConfigOptions.key("vigil.caption.segment-length")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(4))
                    .withDescription(
                            "Media-time length of a caption segment: one Caption per stream per"
                                    + " segment that saw frames.");

    public static final ConfigOption<Duration> DECODE_BUDGET =
            ConfigOptions.key("vigil.decode.budget")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(20))
                    .withDescription(
                            "Longest one chunk may take to decode; past it the chunk becomes a"
                                    + " CHUNK_TOO_SLOW dead letter, so one damaged chunk cannot"
                                    + " hold every stream of its task (a 2-s chunk normally"
                                    + " decodes in well under a second).");

    public static final ConfigOption<Integer> ENCODER_MAX_BATCH =
            ConfigOptions.key("vigil.encoder.max-batch")
                    .intType()
                    .defaultValue(16)
                    .withDescription(
                            "Most frames (of any streams) in one frame-encoder call; a batch is"
                                    + " also flushed after encoder.max-delay, before every"
                                    + " checkpoint barrier and at end of input.");

    public static final ConfigOption<Duration> ENCODER_MAX_DELAY =
            ConfigOptions.key("vigil.encoder.max-delay")
                    .durationType()
                    .defaultValue(Duration.ofMillis(50))
                    .withDescription(
                            "Longest a frame waits in the encoder's batch (processing time).");

    public static final ConfigOption<Integer> MEMORY_MAX_BATCH =
            ConfigOptions.key("vigil.memory.max-batch")
                    .intType()
                    .defaultValue(32)
                    .withDescription(
                            "Most frames (of different streams) in one Mamba step call; a batch"
                                    + " is also flushed after memory.max-delay, before a question"
                                    + " of a stream with buffered frames, before every checkpoint"
                                    + " barrier and at end of input. 1 steps one frame per call.");

    public static final ConfigOption<Duration> MEMORY_MAX_DELAY =
            ConfigOptions.key("vigil.memory.max-delay")
                    .durationType()
                    .defaultValue(Duration.ofMillis(20))
                    .withDescription(
                            "Longest a frame token waits in the memory's step batch (processing"
                                    + " time); 0 steps each frame on arrival.");

    public static final ConfigOption<MemorySize> MAX_CHUNK_SIZE =
            ConfigOptions.key("vigil.chunk.max-size")
                    .memoryType()
                    .defaultValue(MemorySize.parse("1mb"))
                    .withDescription(
                            "Chunks whose data is larger become CHUNK_OVERSIZED dead letters.");

    public static final ConfigOption<Integer> MAX_QUESTION_CHARS =
            ConfigOptions.key("vigil.question.max-chars")
                    .intType()
                    .defaultValue(500)
                    .withDescription("Longer questions are answered with answered=false.");

    public static final ConfigOption<Integer> HISTORY_SEGMENTS =
            ConfigOptions.key("vigil.memory.history-segments")
                    .intType()
                    .defaultValue(0)
                    .withDescription(
                            "A stream's memory is also kept at its last this many segment ends"
                                    + " (45,085 bytes each for vigil-tiny; 15 x 4-s segments = the"
                                    + " last minute) to answer questions with asOfMediaMs in the"
                                    + " past. 0 (the default) keeps none: a stream's state is its"
                                    + " one memory, and such questions are answered=false with"
                                    + " the reason.");

    public static final ConfigOption<Duration> IDLE_STATE_TTL =
            ConfigOptions.key("vigil.state.idle-ttl")
                    .durationType()
                    .defaultValue(Duration.ZERO)
                    .withDescription(
                            "A stream's memory and decoder state expire after this much"
                                    + " processing time without a chunk or a question; 0 keeps"
                                    + " them forever (each stream's state is fixed-size).");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOptions.key("vigil.checkpoint.interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "Exactly-once checkpoint interval; outputs become visible to"
                                    + " read_committed readers when a checkpoint completes.");

    public static final ConfigOption<String> STATE_BACKEND =
            ConfigOptions.key("vigil.state.backend")
                    .stringType()
                    .defaultValue("hashmap")
                    .withDescription("Keyed state backend: hashmap or rocksdb (a cluster).");

    public static final ConfigOption<String> CHECKPOINT_DIR =
            ConfigOptions.key("vigil.checkpoint.dir")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Checkpoint storage URI (file:///…, s3://…); unset keeps checkpoints"
                                    + " in JobManager memory, which caps the job's state at 5 MB"
                                    + " (about 100 streams of vigil-tiny without history, 7 with a"
                                    + " history of 15 segments): small tests"
                                    + " only. The demo and bench use a temp folder.");

    public static final ConfigOption<Integer> PARALLELISM =
            ConfigOptions.key("vigil.parallelism")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "Parallelism of every operator (the key ranges of streams are split"
                                    + " over it).");

    public static final ConfigOption<Integer> MODEL_THREADS =
            ConfigOptions.key("vigil.model.threads")
                    .intType()
                    .defaultValue(1)
                    .withDescription("ONNX Runtime intra-op threads per operator instance.");

    /**
     * Gives a job names of its own in {@code conf}: topics {@code PREFIX.chunks}, {@code
     * .questions}, {@code .captions}, {@code .answers}, {@code .deadletter}, transactional ids
     * {@code PREFIX-tx}, consumer group {@code PREFIX-group} (for jobs that share a broker: tests,
     * {@code vigil chaos}).
     */
    public static Configuration withNames(Configuration conf, String prefix) {
        conf.set(CHUNKS_TOPIC, prefix + ".chunks");
        conf.set(QUESTIONS_TOPIC, prefix + ".questions");
        conf.set(CAPTIONS_TOPIC, prefix + ".captions");
        conf.set(ANSWERS_TOPIC, prefix + ".answers");
        conf.set(DEADLETTER_TOPIC, prefix + ".deadletter");
        conf.set(TRANSACTIONAL_ID_PREFIX, prefix + "-tx");
        conf.set(GROUP_ID, prefix + "-group");
        return conf;
    }
}

package io.vigil.jobs.understand;

import io.vigil.operators.decode.ChunkDecodeFunction;
import io.vigil.operators.decode.StreamFrame;
import io.vigil.operators.encode.FrameEncoderOperator;
import io.vigil.operators.encode.FrameToken;
import io.vigil.operators.memory.StreamMemoryFunction;
import io.vigil.operators.memory.StreamMemoryOperator;
import io.vigil.operators.source.ChunkEnvelope;
import io.vigil.operators.source.EnvelopeRouter;
import io.vigil.operators.source.QuestionEnvelope;
import io.vigil.schemas.Answer;
import io.vigil.schemas.Caption;
import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.Question;
import java.util.Objects;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code understand} job: video chunks → decode and sample → frame tokens (batched encoder) →
 * per-stream Mamba memory → captions; questions → answers from a copy of the memory; anything
 * unusable → dead letters.
 *
 * <p>Takes its sources and sinks in the constructor and builds the graph in {@link
 * #build(StreamExecutionEnvironment)}; {@link #fromKafka(Configuration)} and {@link
 * #main(String[])} wire the real Kafka ones, tests wire their own.
 *
 * <pre>{@code
 * Configuration conf = new Configuration();
 * conf.set(UnderstandJobOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
 * conf.set(UnderstandJobOptions.MODEL_DIR, "models/vigil-tiny");
 * JobClient job = UnderstandJob.fromKafka(conf).executeAsync(UnderstandJob.environment(conf));
 * }</pre>
 */
public final class UnderstandJob {
    private static final Logger LOG = LoggerFactory.getLogger(UnderstandJob.class);

    public static final String JOB_NAME = "vigil-understand";

    // Stable operator uids: savepoints map state by these. Never change one.
    public static final String UID_CHUNK_SOURCE = "vigil-chunk-source";
    public static final String UID_CHUNK_ROUTER = "vigil-chunk-router";
    public static final String UID_QUESTION_SOURCE = "vigil-question-source";
    public static final String UID_QUESTION_ROUTER = "vigil-question-router";
    public static final String UID_QUESTION_UNWRAP = "vigil-question-unwrap";
    public static final String UID_FRAME_DECODER = "vigil-frame-decoder";
    public static final String UID_FRAME_ENCODER = "vigil-frame-encoder";
    public static final String UID_STREAM_MEMORY = "vigil-stream-memory";
    public static final String UID_CAPTION_SINK = "vigil-caption-sink";
    public static final String UID_ANSWER_SINK = "vigil-answer-sink";
    public static final String UID_DEADLETTER_SINK = "vigil-deadletter-sink";

    // Operator names, as the Flink UI and metrics show them.
    public static final String NAME_CHUNK_SOURCE = "chunk-source";
    public static final String NAME_CHUNK_ROUTER = "chunk-router";
    public static final String NAME_QUESTION_SOURCE = "question-source";
    public static final String NAME_QUESTION_ROUTER = "question-router";
    public static final String NAME_QUESTION_UNWRAP = "question-unwrap";
    public static final String NAME_FRAME_DECODER = "frame-decoder";
    public static final String NAME_FRAME_ENCODER = "frame-encoder";
    public static final String NAME_STREAM_MEMORY = "stream-memory";
    public static final String NAME_CAPTION_SINK = "caption-sink";
    public static final String NAME_ANSWER_SINK = "answer-sink";
    public static final String NAME_DEADLETTER_SINK = "deadletter-sink";

    private final Configuration options;
    private final Source<ChunkEnvelope, ?, ?> chunks;
    private final Source<QuestionEnvelope, ?, ?> questions;
    private final Sink<Caption> captions;
    private final Sink<Answer> answers;
    private final Sink<DeadLetter> deadLetters;

    /**
     * @param options {@link UnderstandJobOptions} (model dir, sampling, segments, batching, TTL…)
     * @param chunks video chunks, e.g. a {@code KafkaSource} with {@code VideoChunkDeserializer}
     * @param questions questions, e.g. a {@code KafkaSource} with {@code QuestionDeserializer}
     */
    public UnderstandJob(
            Configuration options,
            Source<ChunkEnvelope, ?, ?> chunks,
            Source<QuestionEnvelope, ?, ?> questions,
            Sink<Caption> captions,
            Sink<Answer> answers,
            Sink<DeadLetter> deadLetters) {
        this.options = new Configuration(Objects.requireNonNull(options, "options"));
        this.chunks = Objects.requireNonNull(chunks, "chunks");
        this.questions = Objects.requireNonNull(questions, "questions");
        this.captions = Objects.requireNonNull(captions, "captions");
        this.answers = Objects.requireNonNull(answers, "answers");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    }

    /** The job on Kafka: sources and exactly-once sinks from {@code options} ({@link KafkaIo}). */
    public static UnderstandJob fromKafka(Configuration options) {
        LOG.info(
                "Kafka at {}, client properties {}",
                options.get(UnderstandJobOptions.BOOTSTRAP_SERVERS),
                SecretMask.mask(KafkaIo.extra(options)));
        return new UnderstandJob(
                options,
                KafkaIo.chunkSource(options),
                KafkaIo.questionSource(options),
                KafkaIo.captionSink(options),
                KafkaIo.answerSink(options),
                KafkaIo.deadLetterSink(options));
    }

    /**
     * An environment set up for this job: exactly-once checkpoints at the configured interval, the
     * configured state backend and checkpoint storage, parallelism, and {@code
     * pipeline.generic-types: false}. Other Flink options in {@code options} pass through.
     */
    public static StreamExecutionEnvironment environment(Configuration options) {
        return StreamExecutionEnvironment.getExecutionEnvironment(
                UnderstandEnvironment.flinkConfiguration(options));
    }

    /** Adds the job's graph to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        String modelDir = options.get(UnderstandJobOptions.MODEL_DIR);
        int threads = options.get(UnderstandJobOptions.MODEL_THREADS);

        SingleOutputStreamOperator<ChunkEnvelope> chunkEnvelopes =
                env.fromSource(chunks, WatermarkStrategy.noWatermarks(), NAME_CHUNK_SOURCE)
                        .uid(UID_CHUNK_SOURCE)
                        .process(new EnvelopeRouter.Chunks())
                        .name(NAME_CHUNK_ROUTER)
                        .uid(UID_CHUNK_ROUTER);

        SingleOutputStreamOperator<StreamFrame> frames =
                chunkEnvelopes
                        .keyBy(new Keys.ChunkStreamId(), Types.STRING)
                        .process(
                                new ChunkDecodeFunction(
                                        modelDir,
                                        options.get(UnderstandJobOptions.SAMPLE_FPS),
                                        options.get(UnderstandJobOptions.IDLE_STATE_TTL),
                                        options.get(UnderstandJobOptions.DECODE_BUDGET)),
                                TypeInformation.of(StreamFrame.class))
                        .name(NAME_FRAME_DECODER)
                        .uid(UID_FRAME_DECODER);

        // forward (chained): pixels stay in the decoder's task
        SingleOutputStreamOperator<FrameToken> tokens =
                frames.transform(
                                NAME_FRAME_ENCODER,
                                TypeInformation.of(FrameToken.class),
                                new FrameEncoderOperator(
                                        modelDir,
                                        options.get(UnderstandJobOptions.ENCODER_MAX_BATCH),
                                        options.get(UnderstandJobOptions.ENCODER_MAX_DELAY),
                                        threads))
                        .uid(UID_FRAME_ENCODER);

        // the encoder keeps the decoder's partitioning by streamId: no second shuffle
        KeyedStream<FrameToken, String> keyedTokens =
                DataStreamUtils.reinterpretAsKeyedStream(
                        tokens, new Keys.TokenStreamId(), Types.STRING);

        SingleOutputStreamOperator<QuestionEnvelope> questionEnvelopes =
                env.fromSource(questions, WatermarkStrategy.noWatermarks(), NAME_QUESTION_SOURCE)
                        .uid(UID_QUESTION_SOURCE)
                        .process(new EnvelopeRouter.Questions())
                        .name(NAME_QUESTION_ROUTER)
                        .uid(UID_QUESTION_ROUTER);

        KeyedStream<Question, String> keyedQuestions =
                questionEnvelopes
                        .map(new Keys.Unwrap())
                        .returns(TypeInformation.of(Question.class))
                        .name(NAME_QUESTION_UNWRAP)
                        .uid(UID_QUESTION_UNWRAP)
                        .keyBy(new Keys.QuestionStreamId(), Types.STRING);

        SingleOutputStreamOperator<Caption> captionStream =
                keyedTokens
                        .connect(keyedQuestions)
                        // frames of many streams per Mamba step; same keyed state as the
                        // former KeyedCoProcessFunction, so savepoints restore under the same uid
                        .transform(
                                NAME_STREAM_MEMORY,
                                TypeInformation.of(Caption.class),
                                new StreamMemoryOperator(
                                        modelDir,
                                        options.get(UnderstandJobOptions.SEGMENT_LENGTH),
                                        options.get(UnderstandJobOptions.MAX_QUESTION_CHARS),
                                        options.get(UnderstandJobOptions.IDLE_STATE_TTL),
                                        threads,
                                        options.get(UnderstandJobOptions.HISTORY_SEGMENTS),
                                        options.get(UnderstandJobOptions.MEMORY_MAX_BATCH),
                                        options.get(UnderstandJobOptions.MEMORY_MAX_DELAY)))
                        .uid(UID_STREAM_MEMORY);

        DataStream<DeadLetter> dead =
                chunkEnvelopes
                        .getSideOutput(EnvelopeRouter.DEAD_LETTERS)
                        .union(
                                questionEnvelopes.getSideOutput(EnvelopeRouter.DEAD_LETTERS),
                                frames.getSideOutput(EnvelopeRouter.DEAD_LETTERS));

        captionStream.sinkTo(captions).name(NAME_CAPTION_SINK).uid(UID_CAPTION_SINK);
        captionStream
                .getSideOutput(StreamMemoryFunction.ANSWERS)
                .sinkTo(answers)
                .name(NAME_ANSWER_SINK)
                .uid(UID_ANSWER_SINK);
        dead.sinkTo(deadLetters).name(NAME_DEADLETTER_SINK).uid(UID_DEADLETTER_SINK);
    }

    /** Builds the graph on {@code env} and submits it without waiting. */
    public JobClient executeAsync(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.executeAsync(JOB_NAME);
    }

    /**
     * Runs the job on Kafka. Arguments are {@code --key value} pairs of {@link
     * UnderstandJobOptions} (and any Flink option), e.g. {@code --vigil.kafka.bootstrap-servers
     * kafka:9092 --vigil.model.dir /opt/vigil/models/vigil-tiny}.
     */
    public static void main(String[] args) throws Exception {
        Configuration options = Configuration.fromMap(ParameterTool.fromArgs(args).toMap());
        LOG.info("Starting {} with {}", JOB_NAME, SecretMask.describe(options));
        StreamExecutionEnvironment env = environment(options);
        fromKafka(options).build(env);
        env.execute(JOB_NAME);
    }
}

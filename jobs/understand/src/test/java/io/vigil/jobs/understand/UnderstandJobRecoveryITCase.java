package io.vigil.jobs.understand;

import static io.vigil.jobs.understand.TestTopics.avro;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.jobs.kafka.EmbeddedKafka;
import io.vigil.models.VigilModel;
import io.vigil.schemas.Caption;
import io.vigil.schemas.VideoChunk;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once across a failure and across a savepoint with rescaling: the captions a
 * read_committed reader sees are, record for record, the bare model loop's, with no duplicate and
 * no gap, although the job failed (or was stopped and resumed on another parallelism) in the middle
 * of the streams.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class UnderstandJobRecoveryITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static EmbeddedKafka kafka;

    @TempDir static Path tmp;

    @BeforeAll
    static void broker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static void createTopics(String prefix) {
        kafka.createTopics(2, prefix + ".chunks", prefix + ".questions");
        kafka.createTopics(1, prefix + ".captions", prefix + ".answers", prefix + ".deadletter");
    }

    private static List<BareModelLoop.Cap> expected(List<List<VideoChunk>> streams) {
        List<BareModelLoop.Cap> out = new ArrayList<>();
        try (VigilModel model = VigilModel.load(Path.of(TestTopics.modelDir()))) {
            for (List<VideoChunk> s : streams) {
                out.addAll(new BareModelLoop(model, 4000).run(s, 1.0).captions);
            }
        }
        return out;
    }

    private static List<BareModelLoop.Cap> stable(List<Caption> cs) {
        return cs.stream()
                .map(
                        c ->
                                new BareModelLoop.Cap(
                                        c.getStreamId(),
                                        c.getSegmentStartMs(),
                                        c.getSegmentEndMs(),
                                        c.getText(),
                                        c.getFramesSeen()))
                .sorted(
                        Comparator.comparing(BareModelLoop.Cap::streamId)
                                .thenComparing(BareModelLoop.Cap::startMs))
                .collect(Collectors.toList());
    }

    private static List<BareModelLoop.Cap> sorted(List<BareModelLoop.Cap> cs) {
        return cs.stream()
                .sorted(
                        Comparator.comparing(BareModelLoop.Cap::streamId)
                                .thenComparing(BareModelLoop.Cap::startMs))
                .toList();
    }

    private static void publish(
            KafkaProducer<String, byte[]> p, String topic, List<VideoChunk> chunks)
            throws Exception {
        for (VideoChunk c : chunks) {
            TestStreams.send(p, topic, c.getStreamId(), avro(c));
        }
    }

    @Test
    void aTaskFailureMidStreamNeitherLosesNorDuplicatesCaptions() throws Exception {
        String prefix = "fail";
        createTopics(prefix);
        List<VideoChunk> a = TestStreams.ingest(tmp, "fail-a", 12, 0);
        List<VideoChunk> b = TestStreams.ingest(tmp, "fail-b", 12, 1);
        List<BareModelLoop.Cap> expected = expected(List.of(a, b));
        assertThat(expected).hasSize(6);

        Configuration conf = TestStreams.jobOptions(kafka.bootstrapServers(), prefix, 2);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        FailOnceSource.ARMED.set(false);
        FailOnceSource.FIRED.set(false);
        UnderstandJob understand =
                new UnderstandJob(
                        conf,
                        new FailOnceSource<>(KafkaIo.chunkSource(conf)),
                        KafkaIo.questionSource(conf),
                        KafkaIo.captionSink(conf),
                        KafkaIo.answerSink(conf),
                        KafkaIo.deadLetterSink(conf));
        JobClient job = understand.executeAsync(UnderstandJob.environment(conf));
        try (KafkaProducer<String, byte[]> p = TestStreams.producer(kafka.bootstrapServers());
                KafkaConsumer<byte[], byte[]> reader =
                        TestTopics.committedReader(
                                kafka.bootstrapServers(), prefix + ".captions")) {
            publish(p, prefix + ".chunks", a.subList(0, 3));
            publish(p, prefix + ".chunks", b.subList(0, 3));
            List<Caption> got =
                    TestTopics.pollUntil(
                            reader,
                            Caption.class,
                            new ArrayList<>(),
                            l -> l.size() >= 2,
                            Duration.ofSeconds(90));
            assertThat(got).hasSizeGreaterThanOrEqualTo(2);

            FailOnceSource.ARMED.set(true); // the next poll of a chunk reader throws
            publish(p, prefix + ".chunks", a.subList(3, a.size()));
            publish(p, prefix + ".chunks", b.subList(3, b.size()));
            TestTopics.pollUntil(
                    reader,
                    Caption.class,
                    got,
                    l -> l.size() >= expected.size(),
                    Duration.ofSeconds(120));
            TestTopics.drain(reader, Caption.class, got, Duration.ofSeconds(3));

            assertThat(FailOnceSource.FIRED).as("the injected failure happened").isTrue();
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            assertThat(stable(got)).containsExactlyElementsOf(sorted(expected));
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void stopWithSavepointAndResumeOnAnotherParallelismAndRocksDb() throws Exception {
        String prefix = "savepoint";
        createTopics(prefix);
        List<VideoChunk> a = TestStreams.ingest(tmp, "sp-a", 12, 2);
        List<VideoChunk> b = TestStreams.ingest(tmp, "sp-b", 8, 0);
        List<BareModelLoop.Cap> expected = expected(List.of(a, b));

        Configuration conf = TestStreams.jobOptions(kafka.bootstrapServers(), prefix, 2);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        JobClient first =
                UnderstandJob.fromKafka(conf).executeAsync(UnderstandJob.environment(conf));
        String savepoint;
        try (KafkaProducer<String, byte[]> p = TestStreams.producer(kafka.bootstrapServers());
                KafkaConsumer<byte[], byte[]> reader =
                        TestTopics.committedReader(
                                kafka.bootstrapServers(), prefix + ".captions")) {
            publish(p, prefix + ".chunks", a.subList(0, 3));
            publish(p, prefix + ".chunks", b.subList(0, 2));
            List<Caption> got =
                    TestTopics.pollUntil(
                            reader,
                            Caption.class,
                            new ArrayList<>(),
                            l -> l.size() >= 1,
                            Duration.ofSeconds(90));
            assertThat(got).isNotEmpty();
            savepoint =
                    first.stopWithSavepoint(
                                    false,
                                    tmp.resolve("savepoints").toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get(120, TimeUnit.SECONDS);

            // resume from the (canonical) savepoint with parallelism 1 (key groups move) and the
            // RocksDB backend, then the rest
            Configuration resumed = TestStreams.jobOptions(kafka.bootstrapServers(), prefix, 1);
            resumed.set(UnderstandJobOptions.STATE_BACKEND, "rocksdb");
            resumed.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            resumed.setString("execution.savepoint.path", savepoint);
            StreamExecutionEnvironment env = UnderstandJob.environment(resumed);
            JobClient second = UnderstandJob.fromKafka(resumed).executeAsync(env);
            try {
                publish(p, prefix + ".chunks", a.subList(3, a.size()));
                publish(p, prefix + ".chunks", b.subList(2, b.size()));
                TestTopics.pollUntil(
                        reader,
                        Caption.class,
                        got,
                        l -> l.size() >= expected.size(),
                        Duration.ofSeconds(120));
                TestTopics.drain(reader, Caption.class, got, Duration.ofSeconds(3));
                assertThat(stable(got)).containsExactlyElementsOf(sorted(expected));
            } finally {
                second.cancel().get(60, TimeUnit.SECONDS);
            }
        }
    }
}

package io.vigil.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;

import io.vigil.cli.VigilCommand;
import io.vigil.cli.common.ExitCode;
import io.vigil.cli.common.KafkaClients;
import io.vigil.cli.common.VigilHome;
import io.vigil.jobs.kafka.EmbeddedKafka;
import io.vigil.jobs.understand.UnderstandJob;
import io.vigil.models.video.RecordedClips;
import io.vigil.schemas.AvroCodec;
import io.vigil.schemas.Caption;
import io.vigil.schemas.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil submit} against a real Flink cluster's REST endpoint (a MiniCluster with its REST
 * server, in this JVM, so the cluster has vigil's classes as a cluster with vigil's jars in lib/
 * has) and a real broker: the job it sends runs there and captions a clip; a cluster that is not
 * there is one line.
 */
class SubmitCommandITCase {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int vigil(String... args) {
        return VigilCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
    }

    @Test
    @Timeout(240)
    void theSubmittedJobRunsOnTheClusterAndCaptions(@TempDir Path tmp) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        conf.set(RestOptions.ADDRESS, "localhost");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                MiniCluster flink =
                        new MiniCluster(
                                new MiniClusterConfiguration.Builder()
                                        .setConfiguration(conf)
                                        .setNumTaskManagers(1)
                                        .setNumSlotsPerTaskManager(2)
                                        .build())) {
            kafka.createTopics(1, Topics.ALL);
            flink.start();
            String rest = flink.getRestAddress().get().toString();
            String model = VigilHome.resolve("models/vigil-tiny").toAbsolutePath().toString();

            int code =
                    vigil(
                            "submit",
                            "--rest",
                            rest,
                            "--bootstrap",
                            kafka.bootstrapServers(),
                            "--model-path",
                            model,
                            "--set",
                            "vigil.checkpoint.interval=1s",
                            "--set",
                            "vigil.checkpoint.dir=" + tmp.resolve("chk").toUri());
            assertThat(code).as(err.toString()).isZero();
            Matcher m = Pattern.compile("as job ([0-9a-f]{32}) to ").matcher(out.toString());
            assertThat(m.find()).as(out.toString()).isTrue();
            JobID id = JobID.fromHexString(m.group(1));
            assertThat(flink.listJobs().get(30, TimeUnit.SECONDS))
                    .anySatisfy(
                            j -> {
                                assertThat(j.getJobId()).isEqualTo(id);
                                assertThat(j.getJobName()).isEqualTo(UnderstandJob.JOB_NAME);
                            });

            Path clip = tmp.resolve("cam.ts");
            RecordedClips.write(clip, "mpegts", AV_CODEC_ID_H264, 40, 10, 10, 96, 64, false);
            assertThat(
                            vigil(
                                    "ingest",
                                    "--bootstrap",
                                    kafka.bootstrapServers(),
                                    "--stream-id",
                                    "cam-submitted",
                                    clip.toString()))
                    .as(err.toString())
                    .isZero();

            List<Caption> captions = new ArrayList<>();
            AvroCodec<Caption> codec = AvroCodec.of(Caption.class);
            try (KafkaConsumer<String, byte[]> c =
                    KafkaClients.consumer(kafka.bootstrapServers())) {
                KafkaClients.assignAll(c, kafka.bootstrapServers(), Topics.CAPTIONS, true);
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (System.nanoTime() < deadline && captions.isEmpty()) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                        captions.add(codec.decode(r.value()));
                    }
                }
            }
            assertThat(captions)
                    .as("a committed caption from the submitted job")
                    .isNotEmpty()
                    .allSatisfy(c -> assertThat(c.getStreamId()).isEqualTo("cam-submitted"));
            assertThat(flink.getJobStatus(id).get(10, TimeUnit.SECONDS))
                    .isEqualTo(JobStatus.RUNNING);
            flink.cancelJob(id).get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @Timeout(60)
    void aClusterThatIsNotThereIsOneLine() {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            int code =
                    vigil(
                            "submit",
                            "--rest",
                            "http://localhost:1",
                            "--bootstrap",
                            kafka.bootstrapServers(),
                            "--model-path",
                            "/opt/vigil/models/vigil-tiny",
                            "--timeout",
                            "10");
            assertThat(code).isEqualTo(ExitCode.FAILURE);
            assertThat(err.toString().strip())
                    .startsWith("vigil submit: the Flink cluster at http://localhost:1")
                    .doesNotContain("\n\tat ");
            assertThat(err.toString().strip().lines().count()).isEqualTo(1);
        }
    }
}

package io.vigil.jobs.understand;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** The job's graph, built without running it: chaining, uids, no Kryo. */
class UnderstandJobGraphTest {

    private static StreamGraph graph(int parallelism) {
        Configuration conf = new Configuration();
        conf.set(UnderstandJobOptions.BOOTSTRAP_SERVERS, "localhost:1"); // never contacted
        conf.set(UnderstandJobOptions.PARALLELISM, parallelism);
        StreamExecutionEnvironment env = UnderstandJob.environment(conf);
        UnderstandJob.fromKafka(conf).build(env);
        return env.getStreamGraph();
    }

    @Test
    void pixelsStayInOneTaskDecoderAndEncoderAreChained() {
        JobGraph job = graph(2).getJobGraph();
        List<String> vertices =
                StreamSupport.stream(job.getVertices().spliterator(), false)
                        .map(JobVertex::getName)
                        .collect(Collectors.toList());
        assertThat(vertices)
                .anySatisfy(
                        v ->
                                assertThat(v)
                                        .contains(UnderstandJob.NAME_FRAME_DECODER)
                                        .contains(UnderstandJob.NAME_FRAME_ENCODER));
        assertThat(vertices)
                .anySatisfy(
                        v ->
                                assertThat(v)
                                        .contains(UnderstandJob.NAME_CHUNK_SOURCE)
                                        .contains(UnderstandJob.NAME_CHUNK_ROUTER));
    }

    @Test
    void everyOperatorHasAStableUniqueUid() {
        StreamGraph g = graph(1);
        List<String> uids =
                g.getStreamNodes().stream()
                        .map(StreamNode::getTransformationUID)
                        .collect(Collectors.toList());
        assertThat(uids).doesNotContainNull();
        assertThat(uids).doesNotHaveDuplicates();
        assertThat(uids)
                .contains(
                        UnderstandJob.UID_CHUNK_SOURCE,
                        UnderstandJob.UID_FRAME_DECODER,
                        UnderstandJob.UID_FRAME_ENCODER,
                        UnderstandJob.UID_STREAM_MEMORY,
                        UnderstandJob.UID_QUESTION_SOURCE);
        assertThat(uids).anyMatch(u -> u.startsWith(UnderstandJob.UID_CAPTION_SINK));
    }

    @Test
    void kafkaSecretsStayOutOfFlinksConfigurationTheWebUiShows() {
        Configuration conf = new Configuration();
        conf.set(UnderstandJobOptions.BOOTSTRAP_SERVERS, "localhost:1"); // never contacted
        conf.set(
                UnderstandJobOptions.KAFKA_PROPERTIES,
                Map.of(
                        "security.protocol",
                        "SASL_SSL",
                        "sasl.jaas.config",
                        "x required username=\"u\" password=\"graph-s3cret\";"));
        conf.setString("vigil.kafka.properties.ssl.truststore.password", "graph-trust");
        StreamExecutionEnvironment env = UnderstandJob.environment(conf);
        UnderstandJob.fromKafka(conf).build(env);
        JobGraph job = env.getStreamGraph().getJobGraph();

        // only the sources and sinks get them (inside their serialized operators)
        for (String shown :
                List.of(env.getConfiguration().toString(), job.getJobConfiguration().toString())) {
            assertThat(shown)
                    .doesNotContain("graph-s3cret")
                    .doesNotContain("graph-trust")
                    .doesNotContain("vigil.kafka.properties");
        }
        assertThat(env.getConfiguration().get(UnderstandJobOptions.BOOTSTRAP_SERVERS))
                .isEqualTo("localhost:1");
    }

    @Test
    void genericTypesAreOffAndTheGraphNeedsNoKryo() {
        // building the graph with pipeline.generic-types=false would have thrown on a Kryo type
        assertThat(graph(1).getExecutionConfig().getSerializerConfig().hasGenericTypesDisabled())
                .isTrue();
    }
}

package io.vigil.cli.cluster;

import io.vigil.cli.common.CliException;
import io.vigil.cli.common.KafkaClients;
import io.vigil.cli.common.KafkaOptions;
import io.vigil.cli.common.KafkaTarget;
import io.vigil.jobs.understand.UnderstandJob;
import io.vigil.jobs.understand.UnderstandJobOptions;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vigil submit}: builds the understand job here and sends it to a running Flink cluster
 * through its REST endpoint (what {@code flink run} does, without Flink's distribution on this
 * machine). The cluster runs vigil's jars from its {@code lib/} ({@code mvn -Pcluster package},
 * docker-compose.yml) and reads the model from a folder on its own machines.
 */
@Command(
        name = "submit",
        mixinStandardHelpOptions = true,
        header = "Send the understand job to a Flink cluster's REST endpoint.",
        description = {
            "Builds the understand job with these options and submits it to the Flink cluster at",
            "--rest; prints the job id and returns (the cluster runs it). The cluster needs",
            "vigil's jars in its lib/ (mvn -B -DskipTests -Pcluster package) and the model folder",
            "at --model-path on every TaskManager."
        },
        footer = {
            "",
            "Example:",
            "  vigil submit --rest http://jobmanager:8081 --bootstrap kafka:9092 \\",
            "      --model-path /opt/vigil/models/vigil-tiny --parallelism 4 \\",
            "      --set vigil.state.backend=rocksdb --set vigil.checkpoint.dir=s3://bucket/vigil"
        })
public final class SubmitCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin KafkaOptions kafka;

    @Option(
            names = "--rest",
            required = true,
            paramLabel = "URL",
            description = "The cluster's REST endpoint, e.g. http://jobmanager:8081.")
    String rest;

    @Option(
            names = "--model-path",
            required = true,
            paramLabel = "PATH",
            description = "The model folder as the TaskManagers see it (not checked here).")
    String modelPath;

    @Option(
            names = "--parallelism",
            paramLabel = "N",
            description = "The job's parallelism (default: vigil.parallelism's default).")
    Integer parallelism;

    @Option(
            names = "--from-savepoint",
            paramLabel = "PATH",
            description = "Start from this savepoint or retained checkpoint (a cluster path).")
    String savepoint;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "Any job option (docs/runbook-understand.md), e.g. vigil.checkpoint.interval=5s;"
                            + " repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(
            names = "--job-jar",
            paramLabel = "JAR|none",
            description =
                    "The job module's jar, uploaded with the job (default: the vigil-understand jar"
                            + " this command runs from; none: the cluster has it in lib/).")
    String jobJar;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "60",
            description = "How long to wait for the cluster to accept (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        URI endpoint = endpoint();
        if (parallelism != null && parallelism < 1) {
            throw new ParameterException(spec.commandLine(), "--parallelism must be ≥ 1");
        }
        KafkaTarget target = kafka.target();
        Configuration options = jobOptions(target);
        KafkaClients.checkLogin(target); // a wrong password: one line now, not a failing job
        Optional<Path> jar = jar();
        JobGraph graph = RestSubmission.jobGraph(options, jar, savepoint);
        JobID id = RestSubmission.submit(endpoint, graph, timeoutSeconds);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "submitted %s as job %s to %s (Kafka %s, model %s, job jar %s%s)%n",
                UnderstandJob.JOB_NAME,
                id,
                endpoint,
                target.describe(),
                modelPath,
                jar.map(Path::toString).orElse("none"),
                savepoint == null ? "" : ", from " + savepoint);
        out.flush();
        return 0;
    }

    private URI endpoint() {
        try {
            URI u = URI.create(rest.contains("://") ? rest : "http://" + rest);
            if (u.getHost() == null || u.getPort() < 1 || !u.getScheme().startsWith("http")) {
                throw new IllegalArgumentException("needs http(s)://HOST:PORT");
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--rest must be http://HOST:PORT, got '" + rest + "' (" + e.getMessage() + ")");
        }
    }

    /** The job's options: Kafka, the model path, --set settings, --parallelism. */
    Configuration jobOptions(KafkaTarget target) {
        Configuration conf = new Configuration();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            if (!e.getKey().startsWith("vigil.")
                    && !e.getKey().startsWith("execution.")
                    && !e.getKey().startsWith("pipeline.")) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--set takes vigil.*, execution.* or pipeline.* keys, got '"
                                + e.getKey()
                                + "'");
            }
            conf.setString(e.getKey(), e.getValue());
        }
        conf.set(UnderstandJobOptions.BOOTSTRAP_SERVERS, target.bootstrap());
        conf.set(UnderstandJobOptions.KAFKA_PROPERTIES, target.properties());
        conf.set(UnderstandJobOptions.MODEL_DIR, modelPath);
        if (parallelism != null) {
            conf.set(UnderstandJobOptions.PARALLELISM, parallelism);
        }
        return conf;
    }

    /** The jar to upload with the job: --job-jar, else the jar UnderstandJob came from. */
    Optional<java.nio.file.Path> jar() {
        if ("none".equals(jobJar)) {
            return Optional.empty();
        }
        if (jobJar != null) {
            Path p = Path.of(jobJar);
            if (!Files.isRegularFile(p)) {
                throw new CliException("no job jar at " + p);
            }
            return Optional.of(p);
        }
        try {
            Path from =
                    Path.of(
                            UnderstandJob.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI());
            return from.toString().endsWith(".jar")
                    ? Optional.of(from)
                    : Optional.empty(); // classes folder (a build tree): nothing to send
        } catch (URISyntaxException | SecurityException e) {
            return Optional.empty();
        }
    }
}

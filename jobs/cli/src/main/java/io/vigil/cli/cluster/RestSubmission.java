package io.vigil.cli.cluster;

import io.vigil.cli.common.CliException;
import io.vigil.jobs.understand.UnderstandJob;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.util.ExceptionUtils;

/** Sends a job graph to a Flink cluster's REST endpoint with Flink's own REST client. */
final class RestSubmission {
    private RestSubmission() {}

    /**
     * Submits {@code graph} to the cluster at {@code endpoint}; waits at most {@code
     * timeoutSeconds} for it to be accepted.
     *
     * @throws CliException the cluster could not be reached or refused the job, with its reason
     */
    static JobID submit(URI endpoint, JobGraph graph, int timeoutSeconds) throws Exception {
        try (RestClusterClient<StandaloneClusterId> rest = client(endpoint, timeoutSeconds)) {
            return rest.submitJob(graph).get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new CliException(
                    "the Flink cluster at "
                            + endpoint
                            + " did not accept the job within "
                            + timeoutSeconds
                            + " s");
        } catch (ExecutionException e) {
            Throwable root = ExceptionUtils.stripExecutionException(e);
            throw new CliException(
                    "the Flink cluster at "
                            + endpoint
                            + " did not take the job: "
                            + firstLine(rootCause(root)),
                    root);
        }
    }

    /** Flink's REST client for the cluster at {@code endpoint}. */
    static RestClusterClient<StandaloneClusterId> client(URI endpoint, int timeoutSeconds)
            throws Exception {
        Configuration client = new Configuration();
        client.set(RestOptions.ADDRESS, endpoint.getHost());
        client.set(RestOptions.PORT, endpoint.getPort());
        client.set(RestOptions.RETRY_MAX_ATTEMPTS, 2);
        client.set(RestOptions.RETRY_DELAY, Duration.ofMillis(500));
        client.set(
                RestOptions.CONNECTION_TIMEOUT, Duration.ofSeconds(Math.min(timeoutSeconds, 15)));
        if (endpoint.getScheme().equals("https")) {
            client.set(org.apache.flink.configuration.SecurityOptions.SSL_REST_ENABLED, true);
        }
        return new RestClusterClient<>(client, StandaloneClusterId.getInstance());
    }

    /**
     * The understand job's graph for {@code options}: {@code jar} uploaded with it when present,
     * restored from {@code savepoint} when not null.
     *
     * @throws CliException the options are not valid
     */
    static JobGraph jobGraph(Configuration options, Optional<Path> jar, String savepoint) {
        try {
            StreamExecutionEnvironment env = UnderstandJob.environment(options);
            UnderstandJob.fromKafka(options).build(env);
            StreamGraph stream = env.getStreamGraph();
            stream.setJobName(UnderstandJob.JOB_NAME);
            JobGraph graph = stream.getJobGraph();
            jar.ifPresent(j -> graph.addJar(new org.apache.flink.core.fs.Path(j.toUri())));
            if (savepoint != null) {
                graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint));
            }
            return graph;
        } catch (IllegalArgumentException | IllegalConfigurationException e) {
            throw new CliException("the job's options are not valid: " + e.getMessage());
        }
    }

    private static Throwable rootCause(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r;
    }

    private static String firstLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}

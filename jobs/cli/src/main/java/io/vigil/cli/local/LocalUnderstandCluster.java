package io.vigil.cli.local;

import io.vigil.jobs.understand.UnderstandJob;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The understand job on Kafka, running on an in-process Flink cluster (one TaskManager, two slots,
 * REST on a free port): what {@code vigil demo} and {@code vigil bench} start.
 */
public record LocalUnderstandCluster(MiniCluster flink, JobID job) {

    /** Starts the cluster and submits {@link UnderstandJob#fromKafka} with {@code options}. */
    public static LocalUnderstandCluster start(Configuration options) throws Exception {
        Configuration cluster = new Configuration();
        cluster.set(RestOptions.BIND_PORT, "0");
        cluster.set(RestOptions.ADDRESS, "localhost");
        MiniCluster flink =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(cluster)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(2)
                                .build());
        flink.start();
        return new LocalUnderstandCluster(flink, submit(flink, options));
    }

    /**
     * Submits one more understand job to {@code flink}, e.g. a second model on its own input
     * topics; each job at parallelism 1 takes one slot.
     */
    public static JobID submit(MiniCluster flink, Configuration options) throws Exception {
        StreamExecutionEnvironment env = UnderstandJob.environment(options);
        UnderstandJob.fromKafka(options).build(env);
        return flink.submitJob(env.getStreamGraph().getJobGraph())
                .get(60, TimeUnit.SECONDS)
                .getJobID();
    }
}

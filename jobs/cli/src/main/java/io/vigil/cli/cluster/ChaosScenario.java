package io.vigil.cli.cluster;

/** What {@code vigil chaos} does to the cluster while the streams run. */
enum ChaosScenario {
    /** kill -9 a TaskManager, again and again; a replacement starts each time. */
    TM_KILL("tm-kill"),
    /** Stop with a savepoint and resume at parallelism 1, then 2, then 1. */
    RESCALE("rescale"),
    /**
     * kill -9 of every Flink process; a new cluster resumes from the newest retained checkpoint.
     */
    JOB_KILL("job-kill");

    private final String id;

    ChaosScenario(String id) {
        this.id = id;
    }

    String id() {
        return id;
    }

    static ChaosScenario of(String id) {
        for (ChaosScenario s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException(
                "unknown scenario '" + id + "' (tm-kill, rescale, job-kill)");
    }
}

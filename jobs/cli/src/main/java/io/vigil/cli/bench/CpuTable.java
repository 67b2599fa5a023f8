package io.vigil.cli.bench;

import java.util.Locale;

/**
 * {@code vigil bench}'s second table: CPU milliseconds per sampled frame, by stage of the bare loop
 * and by thread group of the pipeline, and the cameras sampled at 1 fps that this machine's cores
 * could carry at that cost (cores × 1000 / ms per frame: a ceiling, since it assumes every core
 * busy and nothing else running).
 */
final class CpuTable {
    private final int cores = Runtime.getRuntime().availableProcessors();
    private final StringBuilder rows = new StringBuilder();

    void add(int streams, BareLoop.Result bare, PipelineRun.Throughput pipe) {
        StringBuilder r = new StringBuilder("| ").append(streams);
        double bareMs = 0;
        for (BareLoop.Stage s : BareLoop.Stage.values()) {
            double ms = perFrame(bare.coreSeconds().get(s), bare.frames());
            bareMs += ms;
            r.append(cell(ms));
        }
        r.append(cell(bareMs));
        if (pipe.cpu().isEmpty()) { // a window shorter than the snapshots' period: no figure
            r.append(" | -".repeat(1 + CpuLedger.Group.values().length));
            r.append(String.format(Locale.ROOT, " | %.0f | - |%n", cameras(bareMs)));
            rows.append(r);
            return;
        }
        double pipeMs = 0;
        StringBuilder groups = new StringBuilder();
        for (CpuLedger.Group g : CpuLedger.Group.values()) {
            double ms = perFrame(pipe.cpu().get(g), pipe.frames());
            pipeMs += ms;
            groups.append(cell(ms));
        }
        r.append(cell(pipeMs)).append(groups);
        r.append(
                String.format(Locale.ROOT, " | %.0f | %.0f |%n", cameras(bareMs), cameras(pipeMs)));
        rows.append(r);
    }

    String text() {
        StringBuilder h = new StringBuilder("| streams |");
        for (BareLoop.Stage s : BareLoop.Stage.values()) {
            h.append(" bare: ").append(s.label).append(" |");
        }
        h.append(" bare loop | pipeline |");
        for (CpuLedger.Group g : CpuLedger.Group.values()) {
            h.append(" pipeline: ").append(g.label).append(" |");
        }
        h.append(" cameras at 1 fps, bare loop | cameras at 1 fps, pipeline |\n");
        int columns = 1 + BareLoop.Stage.values().length + 2 + CpuLedger.Group.values().length + 2;
        h.append("|---:".repeat(columns)).append("|\n");
        return String.format(
                Locale.ROOT,
                "%nCPU ms per sampled frame (bare loop: its thread, by stage; pipeline: the whole"
                        + " JVM from the first caption to the last, by thread group), and the"
                        + " cameras sampled at 1 fps that %d cores carry at that cost:%n%n%s%s",
                cores,
                h,
                rows);
    }

    private double cameras(double msPerFrame) {
        return msPerFrame > 0 ? cores * 1000.0 / msPerFrame : 0;
    }

    private static double perFrame(Double coreSeconds, long frames) {
        return frames > 0 && coreSeconds != null ? coreSeconds * 1000.0 / frames : 0;
    }

    private static String cell(double ms) {
        return String.format(Locale.ROOT, " | %.2f", ms);
    }
}

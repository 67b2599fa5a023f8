package io.vigil.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times the {@code ffmpeg} command line decoding only a clip's keyframes ({@code -skip_frame
 * nokey}), as {@code -benchmark} reports it: the real time of its decode loop, after the input is
 * opened and probed (process start and probing left out). Optionally converting each to RGB24, as
 * the job's path does.
 */
final class FfmpegKeyframes {
    private static final Pattern RTIME = Pattern.compile("rtime=([0-9.]+)s");
    private static final Pattern FRAMES = Pattern.compile("frame=\\s*(\\d+)");

    /** One timed run: seconds of the decode loop and the frames it put out. */
    record Run(double seconds, int frames) {
        double msPerFrame() {
            return seconds * 1000 / Math.max(1, frames);
        }
    }

    private FfmpegKeyframes() {}

    /** The command line for one run. */
    static List<String> command(Path clip, boolean rgb) {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin"));
        cmd.addAll(List.of("-benchmark", "-skip_frame", "nokey", "-i", clip.toString()));
        if (rgb) {
            cmd.addAll(List.of("-pix_fmt", "rgb24"));
        }
        cmd.addAll(List.of("-f", "null", "-"));
        return cmd;
    }

    /**
     * @return the run, or null when there is no {@code ffmpeg} to run or it failed
     */
    static Run time(Path clip, boolean rgb) throws InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command(clip, rgb)).redirectErrorStream(true).start();
        } catch (IOException e) {
            return null;
        }
        String log;
        try {
            log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            p.destroyForcibly();
            return null;
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            return null;
        }
        Matcher rtime = RTIME.matcher(log);
        int frames = -1;
        Matcher f = FRAMES.matcher(log);
        while (f.find()) {
            frames = Integer.parseInt(f.group(1)); // the last progress line is the total
        }
        return rtime.find() && frames >= 0
                ? new Run(Double.parseDouble(rtime.group(1)), frames)
                : null;
    }
}

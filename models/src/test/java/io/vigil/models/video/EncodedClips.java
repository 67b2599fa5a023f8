package io.vigil.models.video;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real clips made with the {@code ffmpeg} command line (libx264, testsrc2), and Matroska chunks cut
 * from them at keyframes with FFmpeg's segment muxer, for tests that need encoder settings JavaCV's
 * own encoder does not offer (B-frames, open GOPs).
 */
final class EncodedClips {
    private EncodedClips() {}

    /** A chunk of a clip: its bytes and the media time of its first frame. */
    record Chunk(byte[] data, long baseMs) {}

    /**
     * A {@code seconds}-long testsrc2 clip, 128x96 at {@code fps}, encoded by libx264 with {@code
     * x264Args} (e.g. {@code -g 30 -bf 0}), in {@code format} ("mpegts" or "matroska").
     */
    static Path x264(
            Path dir, String name, int fps, int seconds, String format, String... x264Args) {
        return x264(dir, name, fps, seconds, format, false, x264Args);
    }

    /** As {@link #x264}, with a sine tone as a second (audio) stream when {@code audio}. */
    static Path x264(
            Path dir,
            String name,
            int fps,
            int seconds,
            String format,
            boolean audio,
            String... x264Args) {
        Path out = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y", "-f", "lavfi"));
        cmd.addAll(List.of("-i", "testsrc2=size=128x96:rate=" + fps));
        if (audio) {
            cmd.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"));
            cmd.addAll(List.of("-c:a", "mp2"));
        }
        cmd.addAll(List.of("-t", "" + seconds, "-c:v", "libx264", "-pix_fmt", "yuv420p"));
        cmd.addAll(List.of(x264Args));
        cmd.addAll(List.of("-f", format, out.toString()));
        run(cmd);
        return out;
    }

    /** {@code clip} cut into Matroska chunks of about {@code seconds} each, at keyframes. */
    static List<Chunk> matroskaChunks(Path clip, int seconds) throws IOException {
        Path dir = Files.createTempDirectory(clip.getParent(), "segments");
        Path list = dir.resolve("list.csv");
        run(
                List.of(
                        "ffmpeg",
                        "-v",
                        "error",
                        "-y",
                        "-i",
                        clip.toString(),
                        "-c",
                        "copy",
                        "-f",
                        "segment",
                        "-segment_time",
                        "" + seconds,
                        "-segment_format",
                        "matroska",
                        "-segment_list",
                        list.toString(),
                        "-segment_list_type",
                        "csv",
                        dir.resolve("part%03d.mkv").toString()));
        List<Chunk> out = new ArrayList<>();
        for (String line : Files.readAllLines(list)) {
            String[] f = line.split(",");
            long baseMs = Math.round(Double.parseDouble(f[1]) * 1000);
            out.add(new Chunk(Files.readAllBytes(dir.resolve(f[0])), baseMs));
        }
        return out;
    }

    static void run(List<String> cmd) {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.assumeTrue(false, "no ffmpeg on PATH");
            return;
        }
        try {
            String log = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + log);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

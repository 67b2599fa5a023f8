package io.vigil.cli.bench;

import io.vigil.cli.common.CliException;
import io.vigil.cli.common.ModelDirOption;
import io.vigil.models.Manifest;
import io.vigil.models.ModelException;
import io.vigil.models.video.ChunkDecoder;
import io.vigil.models.video.ChunkerOptions;
import io.vigil.models.video.DecodedFrame;
import io.vigil.models.video.FfmpegLogLevel;
import io.vigil.models.video.FramePreprocessor;
import io.vigil.models.video.FrameSampler;
import io.vigil.models.video.VideoChunker;
import io.vigil.schemas.VideoChunk;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil bench-decode}: the chunk → sampled frames path, which decodes only what the sampler
 * keeps, side by side with the same path decoding every frame, with converting every decoded frame
 * to RGB in Java and sampling afterwards, and with the {@code ffmpeg} command line decoding only
 * the keyframes, on the same chunks, in one run.
 */
@Command(
        name = "bench-decode",
        mixinStandardHelpOptions = true,
        header = "Measure decoding chunks to sampled, preprocessed frames.",
        description = {
            "Cuts CLIP into chunks as vigil ingest does, then times, round by round on the same",
            "chunks: (a) ChunkDecoder.sample decoding every frame, converting only the frames the",
            "sampler keeps; (b) every decoded frame converted to RGB and copied to Java, then",
            "sampled and preprocessed; (c) the job's path, ChunkDecoder.sample, decoding only",
            "what the sampler keeps; (d) that decode alone, to RGB without preprocessing. Then",
            "times ffmpeg -skip_frame nokey -i CLIP -f null - (its -benchmark rtime, plain and to",
            "rgb24) when ffmpeg is on the PATH. Prints ms per sampled frame (ffmpeg: per frame",
            "decoded) and the ratios."
        },
        footer = {"", "Example:", "  vigil bench-decode --rounds 5 camera.ts"})
public final class DecodeBenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ModelDirOption model;

    @Parameters(paramLabel = "CLIP", description = "Any video file FFmpeg reads.")
    Path clip;

    @Option(
            names = "--rounds",
            paramLabel = "N",
            defaultValue = "5",
            description = "Timed rounds, each (a) to (d) (default ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() throws Exception {
        if (rounds < 1) {
            throw new ParameterException(spec.commandLine(), "--rounds must be ≥ 1");
        }
        if (!Files.isReadable(clip)) {
            throw new CliException("no such video file: " + clip);
        }
        FfmpegLogLevel.atMostErrors();
        Manifest manifest;
        try {
            manifest = Manifest.load(model.dir());
        } catch (ModelException e) {
            throw new CliException(e.getMessage(), e);
        }
        FramePreprocessor pre = manifest.preprocessor();
        FrameSampler sampling =
                manifest.sampler(); // the model's rate and lead; each pass copies it
        List<VideoChunk> chunks =
                VideoChunker.chunkAll(clip.toString(), ChunkerOptions.defaults("bench"));
        List<byte[]> raw = chunks.stream().map(DecodeBenchCommand::data).toList(); // (b), (d)
        PrintWriter out = spec.commandLine().getOut();
        ChunkDecoder decoder = new ChunkDecoder();
        double[][] ms = new double[4][rounds]; // (a) to (d), per sampled frame
        int[] counts = new int[4]; // kept, in chunks, decoded by (c), decoded by (a)
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            counts[3] = sampleAll(decoder.everyFrameDecoded(), chunks, sampling, pre)[2];
            long t1 = System.nanoTime();
            everyFrameToRgb(decoder, chunks, raw, sampling, pre);
            long t2 = System.nanoTime();
            int[] c = sampleAll(decoder, chunks, sampling, pre);
            long t3 = System.nanoTime();
            decodeOnly(decoder, chunks, raw, sampling);
            long t4 = System.nanoTime();
            System.arraycopy(c, 0, counts, 0, 3);
            long[] spans = {t1 - t0, t2 - t1, t3 - t2, t4 - t3};
            for (int k = 0; k < 4; k++) {
                ms[k][r] = spans[k] / 1e6 / Math.max(1, counts[0]);
            }
            out.printf(
                    Locale.ROOT,
                    "round %d: ms per sampled frame: (a) every frame decoded %.2f, (b) every frame"
                            + " to RGB %.2f, (c) sampled frames decoded %.2f, (d) (c) without"
                            + " preprocessing %.2f%n",
                    r + 1,
                    ms[0][r],
                    ms[1][r],
                    ms[2][r],
                    ms[3][r]);
            out.flush();
        }
        out.printf(
                Locale.ROOT,
                "%s: %d chunks, %d frames, %d sampled at %.1f fps; decoded: (a) %d, (c) %d%n"
                        + "median ms per sampled frame: (a) %.2f, (b) %.2f, (c) %.2f, (d) %.2f;"
                        + " (a)/(c) %.2f, (b)/(c) %.2f%n",
                clip.getFileName(),
                chunks.size(),
                counts[1],
                counts[0],
                sampling.sampleFps(),
                counts[3],
                counts[2],
                median(ms[0]),
                median(ms[1]),
                median(ms[2]),
                median(ms[3]),
                median(ms[0]) / median(ms[2]),
                median(ms[1]) / median(ms[2]));
        ffmpeg(out, median(ms[3]), median(ms[2]));
        out.flush();
        return 0;
    }

    /** ffmpeg decoding only the keyframes, plain and to RGB, against (d) and (c). */
    private void ffmpeg(PrintWriter out, double decodeOnlyMs, double jobMs)
            throws InterruptedException {
        for (boolean rgb : new boolean[] {false, true}) {
            double[] runs = new double[rounds];
            int frames = 0;
            for (int r = 0; r < rounds; r++) {
                FfmpegKeyframes.Run run = FfmpegKeyframes.time(clip, rgb);
                if (run == null) {
                    out.printf("%s failed or is not on the PATH; skipped%n", "ffmpeg");
                    return;
                }
                runs[r] = run.msPerFrame();
                frames = run.frames();
            }
            out.printf(
                    Locale.ROOT,
                    "%s: %d frames, median %.2f ms per frame; (d)/ffmpeg %.2f, (c)/ffmpeg %.2f%n",
                    String.join(" ", FfmpegKeyframes.command(clip.getFileName(), rgb)),
                    frames,
                    median(runs),
                    decodeOnlyMs / median(runs),
                    jobMs / median(runs));
        }
    }

    /** Samples every chunk; returns frames kept, frames in the chunks, frames decoded. */
    private static int[] sampleAll(
            ChunkDecoder decoder,
            List<VideoChunk> chunks,
            FrameSampler sampling,
            FramePreprocessor pre) {
        FrameSampler sampler = sampling.copy();
        int[] counts = new int[3];
        for (VideoChunk c : chunks) {
            ChunkDecoder.Sampled s = decoder.sample(c, sampler, pre);
            counts[0] += s.frames().size();
            counts[1] += s.inChunk();
            counts[2] += s.decoded();
        }
        return counts;
    }

    /**
     * Every decoded frame to RGB in Java, sampled and preprocessed afterwards (with a lead, the
     * leads too, unpaired).
     */
    private static void everyFrameToRgb(
            ChunkDecoder decoder,
            List<VideoChunk> chunks,
            List<byte[]> raw,
            FrameSampler sampling,
            FramePreprocessor pre) {
        FrameSampler sampler = sampling.copy();
        for (int i = 0; i < chunks.size(); i++) {
            VideoChunk c = chunks.get(i);
            String format = ChunkDecoder.format(c.getContainer());
            sampler.startChunk();
            for (DecodedFrame f : decoder.decodeAll(raw.get(i), format, c.getMediaStartMs())) {
                if (sampler.accept(f.ptsMs())) {
                    pre.preprocess(f.rgb(), f.width(), f.height());
                }
            }
        }
    }

    /** The skipping decode to RGB, frames left in FFmpeg's buffer. */
    private static void decodeOnly(
            ChunkDecoder decoder,
            List<VideoChunk> chunks,
            List<byte[]> raw,
            FrameSampler sampling) {
        FrameSampler sampler = sampling.copy();
        ChunkDecoder.SampleSink ignore =
                new ChunkDecoder.SampleSink() {
                    @Override
                    public void accept(long ptsMs, ByteBuffer rgb, int w, int h, int stride) {}

                    @Override
                    public void restart() {}
                };
        for (int i = 0; i < chunks.size(); i++) {
            VideoChunk c = chunks.get(i);
            decoder.decodeSampled(
                    raw.get(i),
                    ChunkDecoder.format(c.getContainer()),
                    c.getMediaStartMs(),
                    sampler,
                    ignore);
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static byte[] data(VideoChunk c) {
        ByteBuffer b = c.getData().duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}

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
 * {@code vigil bench-decode}: the chunk → sampled frames path, side by side with converting every
 * decoded frame to RGB in Java and sampling afterwards, on the same chunks, in one run.
 */
@Command(
        name = "bench-decode",
        mixinStandardHelpOptions = true,
        header = "Measure decoding chunks to sampled, preprocessed frames.",
        description = {
            "Cuts CLIP into chunks as vigil ingest does, then times, round by round on the same",
            "chunks: (a) the job's path, ChunkDecoder.sample, which converts only the frames the",
            "sampler keeps; (b) every decoded frame converted to RGB and copied to Java, then",
            "sampled and preprocessed. Prints ms per sampled frame for each and their ratio."
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
            description = "Timed rounds, each (a) then (b) (default ${DEFAULT-VALUE}).")
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
        double fps = manifest.sampleFps();
        List<VideoChunk> chunks =
                VideoChunker.chunkAll(clip.toString(), ChunkerOptions.defaults("bench"));
        List<byte[]> raw = chunks.stream().map(DecodeBenchCommand::data).toList(); // for (b)
        PrintWriter out = spec.commandLine().getOut();
        ChunkDecoder decoder = new ChunkDecoder();
        double[] sampled = new double[rounds];
        double[] everyFrame = new double[rounds];
        int kept = 0;
        int decoded = 0;
        for (int r = 0; r < rounds; r++) {
            FrameSampler a = new FrameSampler(fps);
            long t0 = System.nanoTime();
            kept = 0;
            decoded = 0;
            for (int i = 0; i < chunks.size(); i++) {
                VideoChunk c = chunks.get(i);
                ChunkDecoder.Sampled s = decoder.sample(c, a, pre);
                kept += s.frames().size();
                decoded += s.decoded();
            }
            long t1 = System.nanoTime();
            FrameSampler b = new FrameSampler(fps);
            for (int i = 0; i < chunks.size(); i++) {
                VideoChunk c = chunks.get(i);
                String format = ChunkDecoder.format(c.getContainer());
                for (DecodedFrame f : decoder.decodeAll(raw.get(i), format, c.getMediaStartMs())) {
                    if (b.accept(f.ptsMs())) {
                        pre.preprocess(f.rgb(), f.width(), f.height());
                    }
                }
            }
            long t2 = System.nanoTime();
            sampled[r] = (t1 - t0) / 1e6 / Math.max(1, kept);
            everyFrame[r] = (t2 - t1) / 1e6 / Math.max(1, kept);
            out.printf(
                    Locale.ROOT,
                    "round %d: sample %.2f ms, every frame to RGB %.2f ms per sampled frame"
                            + " (ratio %.2f)%n",
                    r + 1,
                    sampled[r],
                    everyFrame[r],
                    everyFrame[r] / sampled[r]);
        }
        out.printf(
                Locale.ROOT,
                "%s: %d chunks, %d frames decoded, %d sampled at %.1f fps; median ms per sampled"
                        + " frame: sample %.2f, every frame to RGB %.2f, ratio %.2f%n",
                clip.getFileName(),
                chunks.size(),
                decoded,
                kept,
                fps,
                median(sampled),
                median(everyFrame),
                median(everyFrame) / median(sampled));
        out.flush();
        return 0;
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

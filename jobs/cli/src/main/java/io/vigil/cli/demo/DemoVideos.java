package io.vigil.cli.demo;

import io.vigil.cli.common.VigilHome;
import io.vigil.cli.eval.SceneGenerator;
import io.vigil.cli.eval.SceneQuestion;
import io.vigil.cli.eval.SceneVideo;
import io.vigil.models.video.ClipEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's sample videos: generated scenes with known content (python3 + numpy), else the
 * committed golden clip; plus Debian's {@code vtest.avi} walkway footage when installed.
 */
final class DemoVideos {
    private static final Logger LOG = LoggerFactory.getLogger(DemoVideos.class);

    static final Path VTEST = Path.of("/usr/share/doc/opencv-doc/examples/data/vtest.avi");
    static final String GOLDEN_CLIP = "models/src/test/resources/golden/clip.ts";
    static final long SCENE_SEED = 20_260_101L;

    /** Generic questions for streams without ground truth. */
    static final List<String> GENERIC_QUESTIONS =
            List.of("what entered first", "how many people have appeared");

    /** Asked of real footage when the real-scene model watches it. */
    static final List<String> REAL_QUESTIONS =
            List.of(
                    "how many people have appeared",
                    "how many people are in view",
                    "how many people passed",
                    "was a car seen");

    private DemoVideos() {}

    /**
     * @param realModel whether a real-scene model will watch the real footage (its questions and
     *     description then suit it)
     */
    static List<DemoVideo> prepare(
            Path dir, int scenes, int sceneSeconds, boolean vtest, boolean realModel)
            throws IOException {
        List<DemoVideo> videos = new ArrayList<>();
        SceneGenerator generator = SceneGenerator.locate();
        if (scenes > 0 && generator.available()) {
            Path gen = dir.resolve("scenes");
            generator.generate(SCENE_SEED, scenes, sceneSeconds, 2, gen);
            int i = 1;
            for (String id : SceneVideo.ids(gen)) {
                SceneVideo scene = SceneVideo.read(gen, id);
                Path file = dir.resolve("scene-" + i + ".ts");
                Files.write(
                        file,
                        new ClipEncoder(scene.fps(), scene.fps())
                                .encode(scene.frames(), scene.width(), scene.height()));
                videos.add(
                        new DemoVideo(
                                "scene-" + i,
                                file,
                                "generated scene, " + sceneSeconds + " s",
                                scene.captions(),
                                lastQuestions(scene),
                                false));
                i++;
            }
        } else {
            Path golden = VigilHome.resolve(GOLDEN_CLIP);
            if (Files.isReadable(golden)) {
                LOG.info("python3 with numpy not found; using the committed clip {}", golden);
                Path truthFile = golden.resolveSibling("truth.json");
                if (Files.isReadable(truthFile)) {
                    SceneVideo truth = SceneVideo.readTruth(truthFile);
                    videos.add(
                            new DemoVideo(
                                    "golden",
                                    golden,
                                    "committed scene clip, " + truth.captions().size() + " s",
                                    truth.captions(),
                                    lastQuestions(truth),
                                    false));
                } else {
                    videos.add(
                            new DemoVideo(
                                    "golden",
                                    golden,
                                    "committed clip",
                                    List.of(),
                                    generic(GENERIC_QUESTIONS),
                                    false));
                }
            }
        }
        if (vtest && Files.isReadable(VTEST)) {
            videos.add(
                    new DemoVideo(
                            "walkway",
                            VTEST,
                            realModel
                                    ? "vtest.avi, real walkway footage (by eye: 3-9 people in"
                                            + " view, about 12 appear, 11-14)"
                                    : "vtest.avi, real walkway footage (not what the model was"
                                            + " trained on)",
                            List.of(),
                            generic(realModel ? REAL_QUESTIONS : GENERIC_QUESTIONS),
                            true));
        }
        return videos;
    }

    /** The questions asked at the scene's last sample (their truth is the final state's). */
    private static List<SceneQuestion> lastQuestions(SceneVideo scene) {
        int last = scene.captions().size() - 1;
        List<SceneQuestion> out = new ArrayList<>();
        for (SceneQuestion q : scene.questions()) {
            boolean dup = out.stream().anyMatch(o -> o.question().equals(q.question()));
            if (q.sample() == last && !dup) {
                out.add(q);
            }
        }
        if (out.isEmpty()) {
            out.addAll(generic(GENERIC_QUESTIONS));
        }
        return out.subList(0, Math.min(3, out.size()));
    }

    private static List<SceneQuestion> generic(List<String> questions) {
        List<SceneQuestion> out = new ArrayList<>();
        for (String q : questions) {
            out.add(new SceneQuestion(-1, "generic", q, null, false));
        }
        return out;
    }
}

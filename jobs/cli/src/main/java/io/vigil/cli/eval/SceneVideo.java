package io.vigil.cli.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One generated scene video: raw RGB frames ({@code vNNNN.rgb}, {@code [T, H, W, 3]} uint8) and its
 * ground truth ({@code vNNNN.json}: a caption per 1-fps sample, questions), as {@code
 * vigil_scenes.gen} writes them (models/train/README.md).
 */
public record SceneVideo(
        String id,
        int width,
        int height,
        int fps,
        List<byte[]> frames,
        List<String> captions,
        List<SceneQuestion> questions) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads {@code dir/id.rgb} and {@code dir/id.json}. */
    public static SceneVideo read(Path dir, String id) throws IOException {
        JsonNode truth = JSON.readTree(dir.resolve(id + ".json").toFile());
        int width = truth.path("width").asInt();
        int height = truth.path("height").asInt();
        int fps = truth.path("fps").asInt();
        int count = truth.path("frames").asInt();
        byte[] raw = Files.readAllBytes(dir.resolve(id + ".rgb"));
        int frameBytes = width * height * 3;
        if (frameBytes == 0 || raw.length != (long) frameBytes * count) {
            throw new IOException(
                    id
                            + ".rgb has "
                            + raw.length
                            + " bytes; expected "
                            + count
                            + " frames of "
                            + width
                            + "x"
                            + height
                            + "x3");
        }
        List<byte[]> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] f = new byte[frameBytes];
            System.arraycopy(raw, i * frameBytes, f, 0, frameBytes);
            frames.add(f);
        }
        return new SceneVideo(id, width, height, fps, frames, captions(truth), questions(truth));
    }

    /**
     * Only the ground truth of a {@code vNNNN.json}-style file (no frames), e.g. the committed
     * golden clip's {@code truth.json}.
     */
    public static SceneVideo readTruth(Path json) throws IOException {
        JsonNode truth = JSON.readTree(json.toFile());
        return new SceneVideo(
                json.getFileName().toString(),
                truth.path("width").asInt(),
                truth.path("height").asInt(),
                truth.path("fps").asInt(),
                List.of(),
                captions(truth),
                questions(truth));
    }

    private static List<String> captions(JsonNode truth) {
        List<String> captions = new ArrayList<>();
        truth.path("captions").forEach(c -> captions.add(c.asText()));
        return captions;
    }

    private static List<SceneQuestion> questions(JsonNode truth) {
        List<SceneQuestion> questions = new ArrayList<>();
        for (JsonNode q : truth.path("questions")) {
            questions.add(
                    new SceneQuestion(
                            q.path("sample").asInt(),
                            q.path("type").asText(),
                            q.path("question").asText(),
                            q.path("answer").asText(),
                            q.path("earliest").asBoolean(false)));
        }
        return questions;
    }

    /** The video ids listed in {@code dir/index.json}. */
    public static List<String> ids(Path dir) throws IOException {
        JsonNode index = JSON.readTree(dir.resolve("index.json").toFile());
        List<String> ids = new ArrayList<>();
        index.path("videos").forEach(v -> ids.add(v.path("id").asText()));
        return ids;
    }
}

package io.vigil.operators.memory;

import io.vigil.models.Tokenizer;
import java.util.List;

/**
 * Why a question cannot be answered, as a plain sentence for {@code Answer.text}; null when it can.
 * The checks in order: empty, too long, no memory for the stream, no words, unknown words, an as-of
 * time the memory cannot serve.
 */
public final class QuestionCheck {
    private QuestionCheck() {}

    /**
     * @param text the question
     * @param maxChars longest question accepted
     * @param streamId the stream asked about
     * @param seen whether the stream has a memory
     * @param tokenizer the model's tokenizer
     * @param asOfMediaMs the question's as-of time, or null
     * @param lastFrameMs media time of the newest frame in the memory (when seen)
     */
    public static String whyNot(
            String text,
            int maxChars,
            String streamId,
            boolean seen,
            Tokenizer tokenizer,
            Long asOfMediaMs,
            long lastFrameMs) {
        if (text == null || text.isBlank()) {
            return "The question is empty.";
        }
        if (text.length() > maxChars) {
            return String.format(
                    "The question is %,d characters long; the limit is %,d.",
                    text.length(), maxChars);
        }
        if (!seen) {
            return "Stream "
                    + streamId
                    + " has not been seen: no video of it has reached the memory (or its memory"
                    + " expired after being idle).";
        }
        if (Tokenizer.words(text).isEmpty()) {
            return "The question has no words.";
        }
        List<String> unknown = tokenizer.tokenize(text).unknown();
        if (!unknown.isEmpty()) {
            List<String> distinct = unknown.stream().distinct().toList();
            return (distinct.size() == 1
                            ? "I do not know the word \"" + distinct.get(0) + "\""
                            : "I do not know the words \"" + String.join("\", \"", distinct) + "\"")
                    + "; please ask with words from the model's vocabulary.";
        }
        if (asOfMediaMs != null && asOfMediaMs > lastFrameMs) {
            return String.format(
                    "The question asks about %d ms, but stream %s has only reached %d ms.",
                    asOfMediaMs, streamId, lastFrameMs);
        }
        return null;
    }
}

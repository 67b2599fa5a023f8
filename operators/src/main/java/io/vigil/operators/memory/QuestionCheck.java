package io.vigil.operators.memory;

import io.vigil.models.Tokenizer;
import java.util.List;

/**
 * Why a question cannot be answered, as a plain sentence for {@code Answer.text}. The checks in
 * order: empty, not valid UTF-8 (Avro reads invalid bytes as U+FFFD), too long, no memory for the
 * stream, no words, unknown words, an as-of time the memory cannot serve. The question is tokenized
 * once, here, and the tokens go on to the generator.
 */
public final class QuestionCheck {
    private QuestionCheck() {}

    /**
     * The verdict on one question.
     *
     * @param whyNot the sentence saying why it cannot be answered, or null when it can
     * @param tokens the question tokenized (null when it was rejected before tokenizing)
     */
    public record Verdict(String whyNot, Tokenizer.Tokenized tokens) {
        static Verdict no(String why) {
            return new Verdict(why, null);
        }
    }

    /**
     * @param text the question
     * @param maxChars longest question accepted
     * @param streamId the stream asked about
     * @param seen whether the stream has a memory
     * @param tokenizer the model's tokenizer
     * @param asOfMediaMs the question's as-of time, or null
     * @param lastFrameMs media time of the newest frame in the memory (when seen)
     */
    public static Verdict check(
            String text,
            int maxChars,
            String streamId,
            boolean seen,
            Tokenizer tokenizer,
            Long asOfMediaMs,
            long lastFrameMs) {
        if (text == null || text.isBlank()) {
            return Verdict.no("The question is empty.");
        }
        if (text.indexOf('\uFFFD') >= 0) {
            return Verdict.no("The question is not valid UTF-8 text.");
        }
        if (text.length() > maxChars) {
            return Verdict.no(
                    String.format(
                            "The question is %,d characters long; the limit is %,d.",
                            text.length(), maxChars));
        }
        if (!seen) {
            return Verdict.no(
                    "Stream "
                            + streamId
                            + " has not been seen: no video of it has reached the memory (or its"
                            + " memory expired after being idle).");
        }
        Tokenizer.Tokenized tokens = tokenizer.tokenize(text);
        if (tokens.words().isEmpty()) {
            return new Verdict("The question has no words.", tokens);
        }
        if (tokens.hasUnknown()) {
            List<String> distinct = tokens.unknown().stream().distinct().toList();
            return new Verdict(
                    (distinct.size() == 1
                                    ? "I do not know the word \"" + distinct.get(0) + "\""
                                    : "I do not know the words \""
                                            + String.join("\", \"", distinct)
                                            + "\"")
                            + "; please ask with words from the model's vocabulary.",
                    tokens);
        }
        if (asOfMediaMs != null && asOfMediaMs > lastFrameMs) {
            return new Verdict(
                    String.format(
                            "The question asks about %d ms, but stream %s has only reached %d ms.",
                            asOfMediaMs, streamId, lastFrameMs),
                    tokens);
        }
        return new Verdict(null, tokens);
    }
}

package io.vigil.cli.eval;

/**
 * A question from the scene generator's ground truth.
 *
 * @param sample asked right after this 1-fps sample (0-based) has been seen
 * @param type first, last, count, colour, seen or direction
 * @param earliest about the video's earliest events (what {@code qa_long} scores)
 */
public record SceneQuestion(
        int sample, String type, String question, String answer, boolean earliest) {}

package io.vigil.cli.common;

import io.vigil.schemas.Answer;
import io.vigil.schemas.Caption;
import io.vigil.schemas.DeadLetter;
import java.util.Locale;

/**
 * One readable line per record, for {@code vigil tail}, {@code vigil ask} and the demo. Text from
 * the topics (ids, captions, answers, messages) is printed {@link #escaped}: a record can never
 * move the cursor, reverse the line or hide text in a terminal.
 */
public final class RecordFormatter {
    private RecordFormatter() {}

    /**
     * {@code s} with control, bidirectional-control and U+FFFD characters (and the backslash)
     * written as a backslash, "u" and four hex digits; null as "-".
     */
    public static String escaped(String s) {
        if (s == null) {
            return "-";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bidi = (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
            if (Character.isISOControl(c) || bidi || c == '\uFFFD' || c == '\\') {
                b.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** {@code 1:02.5} for 62,500 ms; {@code 1:02:03.0} past an hour. */
    public static String mediaTime(long ms) {
        long tenths = Math.max(0, ms) / 100;
        long seconds = tenths / 10;
        long h = seconds / 3600;
        long m = (seconds / 60) % 60;
        long s = seconds % 60;
        long t = tenths % 10;
        return h > 0
                ? String.format(Locale.ROOT, "%d:%02d:%02d.%d", h, m, s, t)
                : String.format(Locale.ROOT, "%d:%02d.%d", m, s, t);
    }

    public static String caption(Caption c) {
        return String.format(
                Locale.ROOT,
                "%-12s %s-%s  %s   (%s%d frames, %s)",
                escaped(c.getStreamId()),
                mediaTime(c.getSegmentStartMs()),
                mediaTime(c.getSegmentEndMs()),
                escaped(c.getText()),
                confidence(c.getConfidence()),
                c.getFramesSeen(),
                c.getModelId());
    }

    public static String answer(Answer a) {
        return String.format(
                Locale.ROOT,
                "%-12s %s %s   (%squestion %s, %d frames, %s)",
                escaped(a.getStreamId()),
                a.getAnswered() ? "A:" : "no answer:",
                escaped(a.getText()),
                confidence(a.getConfidence()),
                escaped(a.getQuestionId()),
                a.getFramesSeen(),
                a.getModelId());
    }

    /** {@code "p 0.93, "}, or nothing for a record without a confidence. */
    public static String confidence(Float p) {
        return p == null ? "" : String.format(Locale.ROOT, "p %.2f, ", p);
    }

    public static String deadLetter(DeadLetter d) {
        return String.format(
                Locale.ROOT,
                "%-12s %s %s  (%s/%d@%d, %d bytes shown)",
                escaped(d.getStreamId()),
                escaped(d.getReason()),
                escaped(d.getMessage()),
                d.getSourceTopic(),
                d.getPartition(),
                d.getOffset(),
                d.getExcerpt() == null ? 0 : d.getExcerpt().remaining());
    }
}

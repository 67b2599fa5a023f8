package io.vigil.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Greedy, deterministic text from a stream's state (docs/model-contract.md, "Text"). Every method
 * works on a private copy of the state it is given (kept inside ONNX Runtime, see {@link
 * TextSteps}) and never changes it, so captions and answers do not disturb the stream's memory, and
 * a replay produces the same text. Thread-safe.
 *
 * <p>Each text comes with a confidence: the smallest probability (softmax of the logits) among the
 * tokens greedy decoding chose, the closing {@code <eos>} included, i.e. how sure the model was of
 * its least sure word. It lies in (0, 1], is as deterministic as the text, and is low where the
 * model is unsure, e.g. on footage unlike anything it was trained on (docs/model-card.md measures
 * how it separates right from wrong captions).
 *
 * <p>An answer to a question that matches one of the model's {@link AnswerForms} is decoded
 * greedily among the allowed answers only: at each step the most probable token that keeps the
 * answer a prefix of an allowed one. It equals free greedy decoding whenever that gives an allowed
 * answer, and otherwise is still well formed (a yes/no question gets "yes" or "no"); its confidence
 * is the model's own probability of those tokens, not renormalised over the allowed ones, so a
 * forced answer stays low.
 */
public final class TextGenerator {
    private static final Logger LOG = LoggerFactory.getLogger(TextGenerator.class);

    private final MambaDecoder decoder;
    private final Tokenizer tokenizer;
    private final int maxTextTokens;
    private final AnswerForms answerForms;

    public TextGenerator(
            MambaDecoder decoder, Tokenizer tokenizer, int maxTextTokens, AnswerForms answerForms) {
        this.decoder = decoder;
        this.tokenizer = tokenizer;
        this.maxTextTokens = maxTextTokens;
        this.answerForms = answerForms;
    }

    /** The generator of {@code manifest}'s model over its opened step graph. */
    public static TextGenerator of(Manifest manifest, MambaDecoder decoder) {
        Tokenizer tokenizer = Tokenizer.load(manifest);
        return new TextGenerator(
                decoder, tokenizer, manifest.maxTextTokens(), AnswerForms.of(manifest, tokenizer));
    }

    /** A generated text and its confidence in (0, 1] (see the class comment). */
    public record Generated(String text, float confidence) {}

    /** Steps {@code <cap>} on a copy of {@code live}, then decodes greedily. */
    public String caption(StreamState live) {
        return generateCaptions(List.of(live)).get(0).text();
    }

    /** {@link #caption} with its confidence. */
    public Generated generateCaption(StreamState live) {
        return generateCaptions(List.of(live)).get(0);
    }

    /**
     * Captions of many streams, their steps batched (B rows until the longest caption ends); each
     * equals {@link #caption} of its state.
     */
    public List<String> captions(List<StreamState> live) {
        return generateCaptions(live).stream().map(Generated::text).toList();
    }

    /** {@link #captions} with their confidences. */
    public List<Generated> generateCaptions(List<StreamState> live) {
        int n = live.size();
        if (n == 0) {
            return List.of();
        }
        int[] prefix = new int[n];
        Arrays.fill(prefix, tokenizer.caption());
        try (TextSteps run = decoder.textSteps(live)) {
            return greedy(run, run.step(prefix));
        }
    }

    /** {@link #generateAnswer} of the question's text, without its confidence. */
    public String answer(StreamState live, String question) {
        return generateAnswer(live, tokenizer.tokenize(question)).text();
    }

    /**
     * Steps {@code <q>}, the question's words, {@code <a>} on a copy of {@code live}, then decodes
     * greedily (among the allowed answers if the question matches an answer form). Unknown words go
     * in as {@code <unk>} (logged at debug).
     *
     * @param q the question, tokenized once by the caller ({@link Tokenizer#tokenize})
     */
    public Generated generateAnswer(StreamState live, Tokenizer.Tokenized q) {
        if (q.hasUnknown()) {
            LOG.debug("question has words outside the vocabulary: {}", q.unknown());
        }
        try (TextSteps run = decoder.textSteps(List.of(live))) {
            float[][] logits = run.step(new int[] {tokenizer.question()});
            for (int id : q.ids()) {
                logits = run.step(new int[] {id});
            }
            logits = run.step(new int[] {tokenizer.answer()});
            AnswerForms.Trie allowed = answerForms.forQuestion(q).orElse(null);
            return greedy(run, logits, new AnswerForms.Trie[] {allowed}).get(0);
        }
    }

    private List<Generated> greedy(TextSteps run, float[][] logits) {
        return greedy(run, logits, new AnswerForms.Trie[run.batch()]);
    }

    /**
     * Greedy decoding of every row: {@code t} = the most probable token (for a row with a prefix
     * tree in {@code allowed}, the most probable one that continues an allowed answer, {@code
     * <eos>} only once the answer is whole); stop at {@code <eos>} or after {@code
     * max_text_tokens}; else emit {@code t} and step it. Finished rows keep stepping {@code <eos>}
     * (rows are independent) until every row is done. Each row's confidence is the smallest
     * probability of its choices.
     *
     * @param allowed per row, a prefix tree of the allowed answers, or null for free decoding
     */
    private List<Generated> greedy(TextSteps run, float[][] logits, AnswerForms.Trie[] allowed) {
        int n = run.batch();
        int[][] out = new int[n][maxTextTokens];
        int[] len = new int[n];
        double[] minLogProb = new double[n];
        boolean[] done = new boolean[n];
        AnswerForms.Trie[] node = allowed.clone();
        int open = n;
        while (true) {
            int[] next = new int[n];
            for (int i = 0; i < n; i++) {
                next[i] = tokenizer.eos();
                if (done[i]) {
                    continue;
                }
                int t = node[i] == null ? argmax(logits[i]) : argmaxAllowed(logits[i], node[i]);
                minLogProb[i] = Math.min(minLogProb[i], logProb(logits[i], t));
                if (t == tokenizer.eos()) {
                    done[i] = true;
                    open--;
                    continue;
                }
                out[i][len[i]++] = t;
                if (node[i] != null) {
                    node[i] = node[i].after(t);
                }
                if (len[i] == maxTextTokens) {
                    done[i] = true;
                    open--;
                    continue;
                }
                next[i] = t;
            }
            if (open == 0) {
                break;
            }
            logits = run.step(next);
        }
        List<Generated> texts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String text = tokenizer.decode(Arrays.copyOf(out[i], len[i]));
            texts.add(new Generated(text, (float) Math.exp(minLogProb[i])));
        }
        return texts;
    }

    /**
     * The most probable token that {@code node} allows ({@code <eos>} if complete); ties: lower id.
     */
    private int argmaxAllowed(float[] v, AnswerForms.Trie node) {
        int t = node.complete() ? tokenizer.eos() : -1;
        for (int c : node.nextTokens()) {
            if (t < 0 || v[c] > v[t] || (v[c] == v[t] && c < t)) {
                t = c;
            }
        }
        return t;
    }

    /** log softmax(v)[t] for any {@code t}. */
    static double logProb(float[] v, int t) {
        float max = v[argmax(v)];
        double sum = 0;
        for (float x : v) {
            sum += Math.exp(x - max);
        }
        return v[t] - max - Math.log(sum);
    }

    /** Index of the largest value; the first on ties (as torch.argmax). */
    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public int maxTextTokens() {
        return maxTextTokens;
    }
}

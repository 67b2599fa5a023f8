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
 */
public final class TextGenerator {
    private static final Logger LOG = LoggerFactory.getLogger(TextGenerator.class);

    private final MambaDecoder decoder;
    private final Tokenizer tokenizer;
    private final int maxTextTokens;

    public TextGenerator(MambaDecoder decoder, Tokenizer tokenizer, int maxTextTokens) {
        this.decoder = decoder;
        this.tokenizer = tokenizer;
        this.maxTextTokens = maxTextTokens;
    }

    /** Steps {@code <cap>} on a copy of {@code live}, then decodes greedily. */
    public String caption(StreamState live) {
        return captions(List.of(live)).get(0);
    }

    /**
     * Captions of many streams, their steps batched (B rows until the longest caption ends); each
     * equals {@link #caption} of its state.
     */
    public List<String> captions(List<StreamState> live) {
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

    /**
     * Steps {@code <q>}, the question's words, {@code <a>} on a copy of {@code live}, then decodes
     * greedily. Unknown words go in as {@code <unk>} (logged at debug).
     */
    public String answer(StreamState live, String question) {
        Tokenizer.Tokenized q = tokenizer.tokenize(question);
        if (q.hasUnknown()) {
            LOG.debug("question has words outside the vocabulary: {}", q.unknown());
        }
        try (TextSteps run = decoder.textSteps(List.of(live))) {
            float[][] logits = run.step(new int[] {tokenizer.question()});
            for (int id : q.ids()) {
                logits = run.step(new int[] {id});
            }
            logits = run.step(new int[] {tokenizer.answer()});
            return greedy(run, logits).get(0);
        }
    }

    /**
     * Greedy decoding of every row: {@code t = argmax}; stop at {@code <eos>} or after {@code
     * max_text_tokens}; else emit {@code t} and step it. Finished rows keep stepping {@code <eos>}
     * (rows are independent) until every row is done.
     */
    private List<String> greedy(TextSteps run, float[][] logits) {
        int n = run.batch();
        int[][] out = new int[n][maxTextTokens];
        int[] len = new int[n];
        boolean[] done = new boolean[n];
        int open = n;
        while (true) {
            int[] next = new int[n];
            for (int i = 0; i < n; i++) {
                next[i] = tokenizer.eos();
                if (done[i]) {
                    continue;
                }
                int t = argmax(logits[i]);
                if (t == tokenizer.eos()) {
                    done[i] = true;
                    open--;
                    continue;
                }
                out[i][len[i]++] = t;
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
        List<String> texts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            texts.add(tokenizer.decode(Arrays.copyOf(out[i], len[i])));
        }
        return texts;
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

package io.vigil.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Greedy, deterministic text from a stream's state (docs/model-contract.md, "Text"). Every method
 * works on a copy of the state it is given and never changes it, so captions and answers do not
 * disturb the stream's memory, and a replay produces the same text. Thread-safe.
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
        StreamState s = live.copy();
        float[] logits = decoder.stepText(s, tokenizer.caption());
        return tokenizer.decode(greedy(s, logits));
    }

    /** Captions of many streams, their steps batched; equal to {@link #caption} of each. */
    public List<String> captions(List<StreamState> live) {
        int n = live.size();
        List<StreamState> states = new ArrayList<>(n);
        int[] ids = new int[n];
        for (StreamState s : live) {
            states.add(s.copy());
        }
        Arrays.fill(ids, tokenizer.caption());
        float[][] logits = decoder.stepText(states, ids); // [B][V]
        List<List<Integer>> out = new ArrayList<>(n);
        List<Integer> active = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new ArrayList<>());
            active.add(i);
        }
        float[][] rowLogits = new float[n][];
        for (int i = 0; i < n; i++) {
            rowLogits[i] = logits[i];
        }
        while (!active.isEmpty()) {
            List<Integer> next = new ArrayList<>();
            for (int i : active) {
                int t = argmax(rowLogits[i]);
                if (t == tokenizer.eos()) {
                    continue;
                }
                out.get(i).add(t);
                if (out.get(i).size() < maxTextTokens) {
                    next.add(i);
                }
            }
            if (next.isEmpty()) {
                break;
            }
            List<StreamState> batch = new ArrayList<>(next.size());
            int[] step = new int[next.size()];
            for (int k = 0; k < next.size(); k++) {
                int i = next.get(k);
                batch.add(states.get(i));
                List<Integer> words = out.get(i);
                step[k] = words.get(words.size() - 1);
            }
            float[][] l = decoder.stepText(batch, step);
            for (int k = 0; k < next.size(); k++) {
                rowLogits[next.get(k)] = l[k];
            }
            active = next;
        }
        List<String> texts = new ArrayList<>(n);
        for (List<Integer> words : out) {
            texts.add(tokenizer.decode(words.stream().mapToInt(Integer::intValue).toArray()));
        }
        return texts;
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
        StreamState s = live.copy();
        float[] logits = decoder.stepText(s, tokenizer.question());
        for (int id : q.ids()) {
            logits = decoder.stepText(s, id);
        }
        logits = decoder.stepText(s, tokenizer.answer());
        return tokenizer.decode(greedy(s, logits));
    }

    private int[] greedy(StreamState s, float[] logits) {
        int[] out = new int[maxTextTokens];
        int n = 0;
        while (n < maxTextTokens) {
            int t = argmax(logits);
            if (t == tokenizer.eos()) {
                break;
            }
            out[n++] = t;
            if (n < maxTextTokens) {
                logits = decoder.stepText(s, t);
            }
        }
        return Arrays.copyOf(out, n);
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

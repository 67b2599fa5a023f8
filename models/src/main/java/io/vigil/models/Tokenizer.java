package io.vigil.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The contract's word tokenizer: lowercase; every character outside {@code [a-z0-9 ]} becomes a
 * space; split on spaces; look each word up in {@code vocab.json}; unknown words map to {@code
 * <unk>} and are reported. Immutable and thread-safe.
 */
public final class Tokenizer {

    /**
     * A tokenized text.
     *
     * @param words the text's words after the contract's normalisation ({@link #words})
     * @param ids token ids, one per word
     * @param unknown the words that were not in the vocabulary (mapped to {@code <unk>}), in order
     */
    public record Tokenized(List<String> words, int[] ids, List<String> unknown) {
        public boolean hasUnknown() {
            return !unknown.isEmpty();
        }
    }

    private final List<String> tokens; // [V]
    private final Map<String, Integer> ids;
    private final SpecialTokens special;

    public Tokenizer(List<String> tokens, SpecialTokens special) {
        this.tokens = List.copyOf(tokens);
        this.special = special;
        this.ids = new HashMap<>();
        for (int i = 0; i < this.tokens.size(); i++) {
            ids.put(this.tokens.get(i), i); // a repeated token maps to its last id, as in Python
        }
        for (int id :
                new int[] {
                    special.pad(),
                    special.unk(),
                    special.eos(),
                    special.caption(),
                    special.question(),
                    special.answer()
                }) {
            if (id < 0 || id >= this.tokens.size()) {
                throw new ModelException(
                        "special token id " + id + " outside the vocabulary of " + tokens.size());
            }
        }
    }

    /** Reads the model's vocabulary file ({@code {"tokens": [...]}}, id = index). */
    public static Tokenizer load(Manifest manifest) {
        Path file = manifest.dir().resolve(manifest.tokenizer().file());
        List<String> tokens = new ArrayList<>();
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            JsonNode arr = root == null ? null : root.get("tokens");
            if (arr == null || !arr.isArray()) {
                throw new ModelException("vocabulary " + file + " has no \"tokens\" array");
            }
            arr.forEach(n -> tokens.add(n.asText()));
        } catch (IOException e) {
            throw new ModelException("cannot read vocabulary " + file + ": " + e.getMessage(), e);
        }
        if (tokens.size() != manifest.vocabSize()) {
            throw new ModelException(
                    String.format(
                            "vocabulary %s has %d tokens, the manifest says vocab_size=%d",
                            file, tokens.size(), manifest.vocabSize()));
        }
        return new Tokenizer(tokens, manifest.specialTokens());
    }

    /** The contract's normalisation: lower case, {@code [^a-z0-9 ]} to space, split. */
    public static List<String> words(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char ch = lower.charAt(i);
            boolean keep = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == ' ';
            sb.append(keep ? ch : ' ');
        }
        List<String> out = new ArrayList<>();
        for (String w : sb.toString().split(" ")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    public Tokenized tokenize(String text) {
        List<String> words = words(text);
        int[] out = new int[words.size()];
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            Integer id = ids.get(words.get(i));
            if (id == null) {
                unknown.add(words.get(i));
                out[i] = special.unk();
            } else {
                out[i] = id;
            }
        }
        return new Tokenized(List.copyOf(words), out, List.copyOf(unknown));
    }

    /** Tokens joined by single spaces. */
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(token(id));
        }
        return sb.toString();
    }

    public String token(int id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IllegalArgumentException(
                    "token id " + id + " outside the vocabulary of " + tokens.size());
        }
        return tokens.get(id);
    }

    /** The id of a word, or {@code <unk>}'s. */
    public int id(String word) {
        return ids.getOrDefault(word, special.unk());
    }

    public int vocabSize() {
        return tokens.size();
    }

    public SpecialTokens special() {
        return special;
    }

    public int pad() {
        return special.pad();
    }

    public int unk() {
        return special.unk();
    }

    public int eos() {
        return special.eos();
    }

    public int caption() {
        return special.caption();
    }

    public int question() {
        return special.question();
    }

    public int answer() {
        return special.answer();
    }
}

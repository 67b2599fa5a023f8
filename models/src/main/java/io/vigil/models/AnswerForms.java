package io.vigil.models;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The answers a model may give to each kind of question: the manifest's optional {@code
 * answer_forms} (docs/model-contract.md), each a regular expression over the normalised question
 * ({@link Tokenizer#words} joined by single spaces, matched whole) and the list of allowed answers.
 * The first form that matches a question constrains greedy decoding of its answer to a prefix of
 * one of the allowed answers ({@link Trie}); a question no form matches is answered freely. A
 * manifest without forms constrains nothing. Immutable and thread-safe.
 */
public final class AnswerForms {

    /** No forms: every answer is free. */
    public static final AnswerForms NONE = new AnswerForms(List.of());

    private record Form(Pattern question, Trie answers) {}

    private final List<Form> forms;

    private AnswerForms(List<Form> forms) {
        this.forms = List.copyOf(forms);
    }

    /**
     * Compiles the manifest's forms against the model's vocabulary.
     *
     * @throws ModelException naming the form on a bad pattern, an empty answer list, or an answer
     *     word outside the vocabulary
     */
    public static AnswerForms of(Manifest manifest, Tokenizer tokenizer) {
        List<Form> out = new ArrayList<>();
        for (Manifest.AnswerForm f : manifest.answerForms()) {
            String where = "model " + manifest.dir() + ": answer form \"" + f.question() + "\"";
            Pattern p;
            try {
                p = Pattern.compile(f.question());
            } catch (PatternSyntaxException e) {
                throw new ModelException(where + " is not a valid pattern: " + e.getMessage(), e);
            }
            if (f.answers() == null || f.answers().isEmpty()) {
                throw new ModelException(where + " lists no answers");
            }
            Trie trie = new Trie();
            for (String a : f.answers()) {
                Tokenizer.Tokenized t = tokenizer.tokenize(a);
                if (t.hasUnknown() || t.ids().length == 0) {
                    throw new ModelException(
                            where
                                    + ": answer \""
                                    + a
                                    + "\" has words outside the vocabulary "
                                    + t.unknown());
                }
                trie.add(t.ids());
            }
            out.add(new Form(p, trie));
        }
        return new AnswerForms(out);
    }

    /** The allowed answers of the first form matching {@code question}, if any. */
    public Optional<Trie> forQuestion(Tokenizer.Tokenized question) {
        String normalised = String.join(" ", question.words());
        for (Form f : forms) {
            if (f.question().matcher(normalised).matches()) {
                return Optional.of(f.answers());
            }
        }
        return Optional.empty();
    }

    public int size() {
        return forms.size();
    }

    /** A prefix tree of allowed token sequences; a node is an answer so far. */
    public static final class Trie {
        private final Map<Integer, Trie> next = new HashMap<>();
        private boolean complete;

        void add(int[] ids) {
            Trie node = this;
            for (int id : ids) {
                node = node.next.computeIfAbsent(id, k -> new Trie());
            }
            node.complete = true;
        }

        /** Token ids that may follow this prefix (not counting {@code <eos>}). */
        public Set<Integer> nextTokens() {
            return Collections.unmodifiableSet(next.keySet());
        }

        /** The subtree after {@code id}, or null if {@code id} may not follow. */
        public Trie after(int id) {
            return next.get(id);
        }

        /** Whether this prefix is a whole allowed answer (so {@code <eos>} may follow). */
        public boolean complete() {
            return complete;
        }
    }
}

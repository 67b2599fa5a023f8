package io.vigil.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest's answer forms on a synthetic model folder (no ONNX needed). */
class AnswerFormsTest {
    @TempDir Path dir;
    ManifestTest folder;

    static final String VOCAB =
            "{\"tokens\": [\"<pad>\", \"<unk>\", \"<eos>\", \"<cap>\", \"<q>\", \"<a>\","
                    + " \"red\", \"a\", \"car\", \"yes\", \"no\"]}";

    @BeforeEach
    void folder() throws IOException {
        folder = new ManifestTest();
        folder.dir = dir;
        folder.writeModel();
        folder.write("vocab.json", VOCAB);
    }

    AnswerForms load(String forms) throws IOException {
        folder.writeManifest(
                ManifestTest.MANIFEST
                        .replace("\"vocab_size\": 7", "\"vocab_size\": 11")
                        .replace("\"training\"", "\"answer_forms\": " + forms + ", \"training\""));
        Manifest m = Manifest.load(dir);
        tok = Tokenizer.load(m);
        return AnswerForms.of(m, tok);
    }

    private Tokenizer tok;

    @Test
    void theFirstFormMatchingTheNormalisedQuestionGivesItsAnswers() throws IOException {
        AnswerForms f =
                load(
                        "[{\"question\": \"was a (red) (car) ever seen\", \"answers\": [\"yes\","
                                + " \"no\"]}, {\"question\": \"what .*\", \"answers\": [\"a red"
                                + " car\", \"a car\"]}]");
        assertThat(f.size()).isEqualTo(2);
        AnswerForms.Trie yesNo =
                f.forQuestion(tok.tokenize("  Was a RED car ever seen?")).orElseThrow();
        assertThat(yesNo.complete()).isFalse();
        assertThat(yesNo.nextTokens()).containsExactlyInAnyOrder(9, 10);
        assertThat(yesNo.after(9).complete()).isTrue();
        assertThat(yesNo.after(9).nextTokens()).isEmpty();
        assertThat(yesNo.after(6)).isNull();
        AnswerForms.Trie what = f.forQuestion(tok.tokenize("what entered first")).orElseThrow();
        assertThat(what.nextTokens()).containsExactly(7);
        assertThat(what.after(7).nextTokens()).containsExactlyInAnyOrder(6, 8);
        assertThat(what.after(7).after(8).complete()).isTrue();
        assertThat(what.after(7).after(6).complete()).isFalse();
        assertThat(f.forQuestion(tok.tokenize("was a red car seen")))
                .isEmpty(); // matched whole, not found in
    }

    @Test
    void aManifestWithoutFormsConstrainsNothing() throws IOException {
        folder.writeManifest(
                ManifestTest.MANIFEST.replace("\"vocab_size\": 7", "\"vocab_size\": 11"));
        Manifest m = Manifest.load(dir);
        assertThat(m.answerForms()).isEmpty();
        assertThat(
                        AnswerForms.of(m, Tokenizer.load(m))
                                .forQuestion(Tokenizer.load(m).tokenize("what entered first")))
                .isEmpty();
    }

    @Test
    void badFormsAreClearErrors() {
        assertThatThrownBy(() -> load("[{\"question\": \"was (a\", \"answers\": [\"yes\"]}]"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("answer form \"was (a\" is not a valid pattern");
        assertThatThrownBy(() -> load("[{\"question\": \"was .*\", \"answers\": []}]"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("answer form \"was .*\" lists no answers");
        assertThatThrownBy(() -> load("[{\"question\": \"was .*\", \"answers\": [\"maybe\"]}]"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("answer \"maybe\" has words outside the vocabulary [maybe]");
        assertThatThrownBy(() -> load("[{\"answers\": [\"yes\"]}]"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("expected answer_forms[].question");
    }
}

package io.vigil.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenizerTest {
    static final SpecialTokens SPECIAL = new SpecialTokens(0, 1, 2, 3, 4, 5);
    static final Tokenizer TOK =
            new Tokenizer(
                    List.of(
                            "<pad>", "<unk>", "<eos>", "<cap>", "<q>", "<a>", "a", "red", "car",
                            "enters", "from", "the", "left", "2", "what"),
                    SPECIAL);

    @Test
    void lowercasesAndSplitsOnNonAlphanumerics() {
        assertThat(Tokenizer.words("  A Red-car, ENTERS!\tfrom  the\nleft? 2x"))
                .containsExactly("a", "red", "car", "enters", "from", "the", "left", "2x");
        assertThat(Tokenizer.words("")).isEmpty();
        assertThat(Tokenizer.words("?!")).isEmpty();
    }

    @Test
    void knownWordsMapToTheirIndex() {
        Tokenizer.Tokenized t = TOK.tokenize("A red car enters from the left");
        assertThat(t.ids()).containsExactly(6, 7, 8, 9, 10, 11, 12);
        assertThat(t.unknown()).isEmpty();
        assertThat(t.hasUnknown()).isFalse();
    }

    @Test
    void unknownWordsMapToUnkAndAreReported() {
        Tokenizer.Tokenized t = TOK.tokenize("What colour was the truck?");
        assertThat(t.ids()).containsExactly(14, 1, 1, 11, 1);
        assertThat(t.unknown()).containsExactly("colour", "was", "truck");
    }

    @Test
    void nonAsciiLettersBecomeSpaces() {
        assertThat(TOK.tokenize("the çar").unknown()).containsExactly("ar");
    }

    @Test
    void decodeJoinsTokensWithSpaces() {
        assertThat(TOK.decode(new int[] {6, 7, 8})).isEqualTo("a red car");
        assertThat(TOK.decode(new int[0])).isEmpty();
        assertThat(TOK.decode(TOK.tokenize("2 red").ids())).isEqualTo("2 red");
    }

    @Test
    void specialIds() {
        assertThat(TOK.eos()).isEqualTo(2);
        assertThat(TOK.caption()).isEqualTo(3);
        assertThat(TOK.question()).isEqualTo(4);
        assertThat(TOK.answer()).isEqualTo(5);
        assertThat(TOK.id("nope")).isEqualTo(TOK.unk());
        assertThat(TOK.vocabSize()).isEqualTo(15);
    }
}

package io.vigil.operators.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.models.Manifest;
import io.vigil.models.Tokenizer;
import io.vigil.operators.TestModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class QuestionCheckTest {
    private static final Tokenizer TOK = Tokenizer.load(Manifest.load(Path.of(TestModels.dir())));

    private static QuestionCheck.Verdict check(String text) {
        return QuestionCheck.check(text, 500, "cam", true, TOK, null, 10_000);
    }

    @Test
    void aQuestionIsTokenizedOnceAndTheTokensGoOn() {
        QuestionCheck.Verdict v = check("What entered first?");
        assertThat(v.whyNot()).isNull();
        assertThat(v.tokens().words()).containsExactly("what", "entered", "first");
        assertThat(v.tokens().ids()).hasSize(3);
    }

    @Test
    void textThatWasNotValidUtf8IsNotAnsweredAndSaysWhy() {
        QuestionCheck.Verdict v = check("what entered \uFFFD first");
        assertThat(v.whyNot()).isEqualTo("The question is not valid UTF-8 text.");
        assertThat(v.tokens()).isNull();
    }

    @Test
    void unknownWordsAndEmptyQuestionsSayWhy() {
        assertThat(check("   ").whyNot()).isEqualTo("The question is empty.");
        assertThat(check("what is zorp").whyNot()).contains("\"zorp\"");
        assertThat(check("?!").whyNot()).isEqualTo("The question has no words.");
    }
}

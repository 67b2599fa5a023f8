package io.vigil.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Answers decoded within the shipped model's answer forms, against free greedy decoding of the same
 * states: always an allowed answer, and the free answer itself whenever that one is allowed.
 */
class ConstrainedAnswerTest {
    static VigilModel model;
    static TextGenerator free;

    /** One question per form of the shipped manifest, in the manifest's order. */
    static final List<String> QUESTIONS =
            List.of(
                    "What entered first?",
                    "how many cars have appeared",
                    "what colour was the last ball",
                    "Was a red car ever seen?",
                    "which way did the last blue person go");

    @BeforeAll
    static void load() {
        model = VigilModel.load(TestModels.modelDir());
        free =
                new TextGenerator(
                        model.decoder(),
                        model.tokenizer(),
                        model.manifest().maxTextTokens(),
                        AnswerForms.NONE);
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    /** States after random frames (out of the training domain), and states of raw noise. */
    static List<StreamState> states() {
        List<StreamState> out = new ArrayList<>();
        Random r = new Random(11);
        for (int i = 0; i < 8; i++) {
            StreamState s = model.newState();
            for (int f = 0; f < 1 + 5 * i; f++) {
                float[] frame = TestModels.gaussian(r, model.encoder().frameSize(), 1f);
                model.decoder().stepFrame(s, model.encoder().encode(List.of(frame))[0]);
            }
            out.add(s);
        }
        MambaConfig c = model.manifest().mamba();
        for (int i = 0; i < 8; i++) {
            float scale = 1 + 3 * i;
            out.add(
                    StreamState.of(
                            c,
                            TestModels.gaussian(
                                    r, c.layers() * c.dInner() * (c.dConv() - 1), scale),
                            TestModels.gaussian(r, c.layers() * c.dInner() * c.dState(), scale),
                            100));
        }
        return out;
    }

    @Test
    void everyAnswerIsAllowedAndEqualsFreeDecodingWhenThatIsAllowed() {
        List<Manifest.AnswerForm> forms = model.manifest().answerForms();
        assertThat(forms).hasSize(QUESTIONS.size());
        int forced = 0;
        int same = 0;
        for (StreamState s : states()) {
            for (int q = 0; q < QUESTIONS.size(); q++) {
                List<String> allowed = forms.get(q).answers();
                TextGenerator.Generated got =
                        model.generator().generateAnswer(s, tokens(QUESTIONS.get(q)));
                TextGenerator.Generated unconstrained =
                        free.generateAnswer(s, tokens(QUESTIONS.get(q)));
                assertThat(allowed).as("question %s", QUESTIONS.get(q)).contains(got.text());
                assertThat(got.confidence()).isGreaterThan(0f).isLessThanOrEqualTo(1f);
                if (allowed.contains(unconstrained.text())) {
                    assertThat(got.text()).isEqualTo(unconstrained.text());
                    assertThat(got.confidence())
                            .isCloseTo(unconstrained.confidence(), within(1e-6f));
                    same++;
                } else {
                    forced++;
                }
            }
        }
        // both paths are exercised: noise states make free decoding leave the forms
        assertThat(forced).isPositive();
        assertThat(same).isPositive();
    }

    /** The generator's questions (the golden clip's truth) fall in a form that allows the truth. */
    @Test
    void theGeneratorsQuestionsMatchAFormThatAllowsTheirAnswer() throws IOException {
        JsonNode truth =
                new ObjectMapper()
                        .readTree(TestModels.resources("golden").resolve("truth.json").toFile());
        List<Manifest.AnswerForm> forms = model.manifest().answerForms();
        assertThat(truth.get("questions")).isNotEmpty();
        for (JsonNode q : truth.get("questions")) {
            String question = q.get("question").asText();
            Manifest.AnswerForm form =
                    forms.stream()
                            .filter(f -> question.matches(f.question()))
                            .findFirst()
                            .orElseThrow(() -> new AssertionError("no form for " + question));
            assertThat(form.answers()).as(question).contains(q.get("answer").asText());
        }
    }

    @Test
    void aQuestionNoFormMatchesIsAnsweredFreely() {
        for (StreamState s : states()) {
            String q = "what is the weather like";
            assertThat(model.generator().generateAnswer(s, tokens(q)))
                    .isEqualTo(free.generateAnswer(s, tokens(q)));
        }
    }

    private static Tokenizer.Tokenized tokens(String question) {
        return model.tokenizer().tokenize(question);
    }
}

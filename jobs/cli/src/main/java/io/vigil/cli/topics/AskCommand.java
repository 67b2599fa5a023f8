package io.vigil.cli.topics;

import io.vigil.cli.common.CliException;
import io.vigil.cli.common.ExitCode;
import io.vigil.cli.common.KafkaClients;
import io.vigil.cli.common.KafkaOptions;
import io.vigil.cli.common.KafkaTarget;
import io.vigil.cli.common.RecordFormatter;
import io.vigil.schemas.Answer;
import io.vigil.schemas.AvroCodec;
import io.vigil.schemas.Question;
import io.vigil.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil ask}: publishes a Question and waits for its Answer (read_committed). */
@Command(
        name = "ask",
        mixinStandardHelpOptions = true,
        description = "Ask a question about a stream's past and wait for the answer.",
        footer = {"", "Example:", "  vigil ask --stream cam-1 \"what entered first\""})
public final class AskCommand implements Callable<Integer> {
    private static final AvroCodec<Question> QUESTIONS = AvroCodec.of(Question.class);
    private static final AvroCodec<Answer> ANSWERS = AvroCodec.of(Answer.class);

    @Spec CommandSpec spec;

    @Mixin KafkaOptions kafka;

    @Option(names = "--stream", required = true, paramLabel = "ID", description = "Stream id.")
    String streamId;

    @Option(
            names = "--timeout",
            defaultValue = "30",
            paramLabel = "SECONDS",
            description = "How long to wait for the answer (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(
            names = "--as-of",
            paramLabel = "MS",
            description = "Answer from the memory as it was at this media time (ms).")
    Long asOfMs;

    @Option(names = "--id", paramLabel = "ID", description = "Question id (default: random).")
    String questionId;

    @Parameters(arity = "1..*", paramLabel = "QUESTION", description = "The question.")
    List<String> words;

    @Override
    public Integer call() throws Exception {
        if (timeoutSeconds <= 0) {
            throw new ParameterException(spec.commandLine(), "--timeout must be positive");
        }
        String id = questionId != null ? questionId : "q-" + UUID.randomUUID();
        Question question =
                Question.newBuilder()
                        .setQuestionId(id)
                        .setStreamId(streamId)
                        .setText(String.join(" ", words))
                        .setAskedAtMs(System.currentTimeMillis())
                        .setAsOfMediaMs(asOfMs)
                        .build();
        Answer answer = ask(kafka.target(), question, Duration.ofSeconds(timeoutSeconds));
        spec.commandLine().getOut().println(RecordFormatter.answer(answer));
        spec.commandLine().getOut().flush();
        return answer.getAnswered() ? ExitCode.OK : ExitCode.FAILURE;
    }

    /**
     * Publishes {@code question} and returns its answer.
     *
     * @throws CliException when Kafka cannot be reached or no answer comes within {@code timeout}
     */
    public static Answer ask(KafkaTarget kafka, Question question, Duration timeout)
            throws InterruptedException {
        String bootstrap = kafka.bootstrap();
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.consumer(kafka);
                KafkaProducer<String, byte[]> producer = KafkaClients.producer(kafka)) {
            // Position the consumer first, so an answer that comes back fast is not missed.
            KafkaClients.assignAll(consumer, bootstrap, Topics.ANSWERS, false);
            try {
                producer.send(
                                new ProducerRecord<>(
                                        Topics.QUESTIONS,
                                        question.getStreamId(),
                                        QUESTIONS.encode(question)))
                        .get(KafkaClients.CONNECT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AuthenticationException
                        || e.getCause() instanceof AuthorizationException) {
                    throw KafkaClients.refused(bootstrap, (KafkaException) e.getCause());
                }
                throw new CliException(
                        "cannot publish the question to "
                                + bootstrap
                                + ": "
                                + KafkaClients.why(e.getCause()),
                        e);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new CliException(
                        "cannot publish the question to " + bootstrap + ": no answer in time", e);
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Answer answer = decode(r.value());
                    if (answer != null && answer.getQuestionId().equals(question.getQuestionId())) {
                        return answer;
                    }
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            throw new CliException(
                    "no answer to "
                            + question.getQuestionId()
                            + " within "
                            + timeout.toSeconds()
                            + " s (is the understand job running?)");
        }
    }

    private static Answer decode(byte[] bytes) {
        try {
            return bytes == null ? null : ANSWERS.decode(bytes);
        } catch (AvroCodec.Malformed e) {
            return null; // not an Answer; someone else's record on the topic
        }
    }
}

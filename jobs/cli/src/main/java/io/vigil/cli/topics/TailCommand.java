package io.vigil.cli.topics;

import io.vigil.cli.common.ExitCode;
import io.vigil.cli.common.KafkaClients;
import io.vigil.cli.common.KafkaOptions;
import io.vigil.cli.common.RecordFormatter;
import io.vigil.schemas.Answer;
import io.vigil.schemas.AvroCodec;
import io.vigil.schemas.Caption;
import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil tail}: prints captions, answers or dead letters readably as they arrive. */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        description = "Print captions, answers or dead letters as they arrive (Ctrl-C stops).",
        footer = {
            "",
            "Examples:",
            "  vigil tail captions",
            "  vigil tail captions --min-confidence 0.5",
            "  vigil tail deadletter --from-beginning --bootstrap kafka:9092"
        })
public final class TailCommand implements Callable<Integer> {
    /** What to tail. */
    public enum Kind {
        captions(Topics.CAPTIONS),
        answers(Topics.ANSWERS),
        deadletter(Topics.DEADLETTER);

        final String topic;

        Kind(String topic) {
            this.topic = topic;
        }
    }

    private static final AvroCodec<Caption> CAPTIONS = AvroCodec.of(Caption.class);
    private static final AvroCodec<Answer> ANSWERS = AvroCodec.of(Answer.class);
    private static final AvroCodec<DeadLetter> DEAD_LETTERS = AvroCodec.of(DeadLetter.class);

    @Spec CommandSpec spec;

    @Mixin KafkaOptions kafka;

    @Parameters(
            index = "0",
            paramLabel = "TOPIC",
            description = "One of: ${COMPLETION-CANDIDATES}.")
    Kind kind;

    @Option(names = "--from-beginning", description = "Start at the oldest record.")
    boolean fromBeginning;

    @Option(
            names = "--max-records",
            paramLabel = "N",
            description = "Stop after N records (default: run until Ctrl-C).")
    Long maxRecords;

    @Option(
            names = "--idle-timeout",
            paramLabel = "SECONDS",
            description = "Stop after this long without a record (default: never).")
    Integer idleTimeoutSeconds;

    @Option(
            names = "--min-confidence",
            paramLabel = "P",
            description =
                    "Captions and answers only: skip records whose confidence is below P (0-1);"
                            + " records without a confidence are shown.")
    Float minConfidence;

    @Override
    public Integer call() {
        if (minConfidence != null) {
            if (kind == Kind.deadletter) {
                throw new ParameterException(
                        spec.commandLine(), "--min-confidence applies to captions and answers");
            }
            if (!(minConfidence >= 0f && minConfidence <= 1f)) {
                throw new ParameterException(
                        spec.commandLine(), "--min-confidence must be between 0 and 1");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        long printed = 0;
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.consumer(kafka.target())) {
            Thread main = Thread.currentThread();
            Thread hook = new Thread(consumer::wakeup, "vigil-tail-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                KafkaClients.assignAll(consumer, kafka.bootstrap(), kind.topic, fromBeginning);
                long lastRecord = System.nanoTime();
                while (maxRecords == null || printed < maxRecords) {
                    boolean any = false;
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        any = true;
                        String line = format(r);
                        if (line == null) {
                            continue; // below --min-confidence
                        }
                        out.println(line);
                        if (maxRecords != null && ++printed >= maxRecords) {
                            break;
                        }
                    }
                    out.flush();
                    if (any) {
                        lastRecord = System.nanoTime();
                    } else if (idleTimeoutSeconds != null
                            && System.nanoTime() - lastRecord
                                    > idleTimeoutSeconds * 1_000_000_000L) {
                        break;
                    }
                    if (main.isInterrupted()) {
                        break;
                    }
                }
            } catch (WakeupException e) {
                // Ctrl-C: stop quietly
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // already shutting down
                }
            }
        }
        out.flush();
        return ExitCode.OK;
    }

    /** The record's line, or null when it is below {@code --min-confidence}. */
    private String format(ConsumerRecord<String, byte[]> r) {
        try {
            return switch (kind) {
                case captions -> {
                    Caption c = CAPTIONS.decode(r.value());
                    yield shown(c.getConfidence()) ? RecordFormatter.caption(c) : null;
                }
                case answers -> {
                    Answer a = ANSWERS.decode(r.value());
                    yield shown(a.getConfidence()) ? RecordFormatter.answer(a) : null;
                }
                case deadletter -> RecordFormatter.deadLetter(DEAD_LETTERS.decode(r.value()));
            };
        } catch (AvroCodec.Malformed | NullPointerException e) {
            return "(offset " + r.offset() + ": not a " + kind + " record)";
        }
    }

    private boolean shown(Float confidence) {
        return minConfidence == null || confidence == null || confidence >= minConfidence;
    }
}

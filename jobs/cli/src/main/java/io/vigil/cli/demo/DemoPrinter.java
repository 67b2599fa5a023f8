package io.vigil.cli.demo;

import io.vigil.cli.common.KafkaClients;
import io.vigil.cli.common.RecordFormatter;
import io.vigil.cli.eval.SceneQuestion;
import io.vigil.schemas.Answer;
import io.vigil.schemas.AvroCodec;
import io.vigil.schemas.Caption;
import io.vigil.schemas.DeadLetter;
import io.vigil.schemas.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Reads captions, answers and dead letters ({@code read_committed}) on its own thread and prints
 * each as it arrives, with the ground truth beside it where the demo knows it.
 */
final class DemoPrinter implements AutoCloseable {
    private static final AvroCodec<Caption> CAPTIONS = AvroCodec.of(Caption.class);
    private static final AvroCodec<Answer> ANSWERS = AvroCodec.of(Answer.class);
    private static final AvroCodec<DeadLetter> DEAD_LETTERS = AvroCodec.of(DeadLetter.class);

    private final String bootstrap;
    private final Map<String, DemoVideo> videos;
    private final PrintWriter out;
    private final Map<String, SceneQuestion> asked = new ConcurrentHashMap<>();
    private final Map<String, Long> captionEndMs = new ConcurrentHashMap<>();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final AtomicInteger captions = new AtomicInteger();
    private final AtomicInteger captionTruths = new AtomicInteger();
    private final AtomicInteger captionMatches = new AtomicInteger();
    private final AtomicInteger answerTruths = new AtomicInteger();
    private final AtomicInteger answerMatches = new AtomicInteger();
    private final AtomicInteger deadLetters = new AtomicInteger();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    DemoPrinter(String bootstrap, Map<String, DemoVideo> videos, PrintWriter out) {
        this.bootstrap = bootstrap;
        this.videos = videos;
        this.out = out;
    }

    /** Starts reading from the beginning of the three topics; returns once assigned. */
    void start() throws InterruptedException {
        thread = new Thread(this::loop, "vigil-demo-printer");
        thread.setDaemon(true);
        thread.start();
        if (!ready.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the demo's consumer did not start within 60 s");
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /** Remembers a question so its answer prints next to it and its truth. */
    void asked(String questionId, SceneQuestion question) {
        asked.put(questionId, question);
    }

    long captionEndMs(String streamId) {
        return captionEndMs.getOrDefault(streamId, -1L);
    }

    boolean answered(String questionId) {
        return answers.containsKey(questionId);
    }

    int captions() {
        return captions.get();
    }

    int answers() {
        return answers.size();
    }

    int deadLetters() {
        return deadLetters.get();
    }

    String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%d captions, %d answers, %d dead letters",
                        captions.get(),
                        answers.size(),
                        deadLetters.get()));
        if (captionTruths.get() > 0) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "; where the truth is known: %d/%d captions and %d/%d answers match"
                                    + " it",
                            captionMatches.get(),
                            captionTruths.get(),
                            answerMatches.get(),
                            answerTruths.get()));
        }
        return sb.toString();
    }

    private void loop() {
        try (KafkaConsumer<String, byte[]> c = KafkaClients.consumer(bootstrap)) {
            consumer = c;
            try {
                KafkaClients.assignAll(
                        c,
                        bootstrap,
                        List.of(Topics.CAPTIONS, Topics.ANSWERS, Topics.DEADLETTER),
                        true);
            } catch (RuntimeException e) {
                failure.set(e);
                return;
            } finally {
                ready.countDown();
            }
            while (running) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    print(r);
                }
            }
        } catch (WakeupException e) {
            // closing
        }
    }

    private void print(ConsumerRecord<String, byte[]> r) {
        try {
            String line =
                    switch (r.topic()) {
                        case Topics.CAPTIONS -> caption(CAPTIONS.decode(r.value()));
                        case Topics.ANSWERS -> answer(ANSWERS.decode(r.value()));
                        default -> deadLetter(DEAD_LETTERS.decode(r.value()));
                    };
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        } catch (AvroCodec.Malformed | RuntimeException e) {
            synchronized (out) {
                out.println("(unreadable record on " + r.topic() + ": " + e.getMessage() + ")");
                out.flush();
            }
        }
    }

    private String caption(Caption c) {
        captions.incrementAndGet();
        captionEndMs.merge(c.getStreamId(), c.getSegmentEndMs(), Math::max);
        String line =
                String.format(
                        Locale.ROOT,
                        "caption  %-9s %s-%s  %s%s",
                        c.getStreamId(),
                        RecordFormatter.mediaTime(c.getSegmentStartMs()),
                        RecordFormatter.mediaTime(c.getSegmentEndMs()),
                        score(c.getConfidence()),
                        c.getText());
        DemoVideo video = videos.get(c.getStreamId());
        String truth = video == null ? null : video.truthAt(c.getSegmentEndMs());
        if (truth != null) {
            captionTruths.incrementAndGet();
            boolean match = truth.equals(c.getText());
            if (match) {
                captionMatches.incrementAndGet();
            }
            line = pad(line) + (match ? "   [= truth]" : "   [truth: " + truth + "]");
        }
        return line;
    }

    private String answer(Answer a) {
        SceneQuestion q = asked.get(a.getQuestionId());
        String question = q == null ? a.getQuestionId() : q.question();
        String line =
                String.format(
                        Locale.ROOT,
                        "answer   %-9s Q: %s?  A: %s%s",
                        a.getStreamId(),
                        question,
                        score(a.getConfidence()),
                        a.getText());
        if (q != null && q.answer() != null) {
            answerTruths.incrementAndGet();
            boolean match = q.answer().equals(a.getText());
            if (match) {
                answerMatches.incrementAndGet();
            }
            line = pad(line) + (match ? "   [= truth]" : "   [truth: " + q.answer() + "]");
        }
        answers.put(a.getQuestionId(), a);
        return line;
    }

    private String deadLetter(DeadLetter d) {
        deadLetters.incrementAndGet();
        return "dead     " + RecordFormatter.deadLetter(d);
    }

    /** {@code "(p 0.93) "} before a text, or nothing for a record without a confidence. */
    private static String score(Float p) {
        return p == null ? "" : String.format(Locale.ROOT, "(p %.2f) ", p);
    }

    private static String pad(String s) {
        return String.format(Locale.ROOT, "%-72s", s);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            thread.join(30_000);
        }
    }
}

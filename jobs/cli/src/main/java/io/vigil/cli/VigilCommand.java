package io.vigil.cli;

import io.vigil.cli.bench.BenchCommand;
import io.vigil.cli.bench.DecodeBenchCommand;
import io.vigil.cli.bench.FuzzDecodeCommand;
import io.vigil.cli.bench.ModelBenchCommand;
import io.vigil.cli.bench.SoakCommand;
import io.vigil.cli.cluster.ChaosCommand;
import io.vigil.cli.cluster.SubmitCommand;
import io.vigil.cli.common.CliException;
import io.vigil.cli.common.ExitCode;
import io.vigil.cli.common.KafkaClients;
import io.vigil.cli.common.SecretValues;
import io.vigil.cli.demo.DemoCommand;
import io.vigil.cli.eval.EvalCommand;
import io.vigil.cli.ingest.IngestCommand;
import io.vigil.cli.local.RunCommand;
import io.vigil.cli.topics.AskCommand;
import io.vigil.cli.topics.TailCommand;
import io.vigil.models.video.VideoSourceException;
import java.io.PrintWriter;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The {@code vigil} command line. Exit codes: 0 done, 1 an expected failure (one line on stderr
 * saying why), 2 a command-line mistake (one line, never a stack trace).
 */
@Command(
        name = "vigil",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Streaming video understanding on Apache Flink.",
        subcommands = {
            DemoCommand.class,
            RunCommand.class,
            SubmitCommand.class,
            IngestCommand.class,
            AskCommand.class,
            TailCommand.class,
            EvalCommand.class,
            BenchCommand.class,
            ModelBenchCommand.class,
            DecodeBenchCommand.class,
            FuzzDecodeCommand.class,
            SoakCommand.class,
            ChaosCommand.class,
            CommandLine.HelpCommand.class
        })
public final class VigilCommand implements Runnable {
    /** Set to print the stack trace of unexpected errors too. */
    static final String DEBUG_ENV = "VIGIL_DEBUG";

    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(),
                "missing command (demo, run, ingest, ask, tail, eval, bench; see --help)");
    }

    public static void main(String[] args) {
        int code;
        try {
            code = commandLine().execute(args);
        } catch (Throwable t) { // an Error (e.g. a broken class path) that picocli lets through
            System.err.println("vigil: fatal: " + oneLine(String.valueOf(t)));
            if (System.getenv(DEBUG_ENV) != null) {
                t.printStackTrace();
            }
            code = ExitCode.FAILURE;
        }
        System.exit(code);
    }

    /** The command line with vigil's one-line error handling, printing to System.out/err. */
    public static CommandLine commandLine() {
        return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    }

    /**
     * The command line with vigil's one-line error handling, printing to {@code out}/{@code err}.
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new VigilCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler(new UsageErrorHandler());
        cl.setExecutionExceptionHandler(new FailureHandler());
        return cl;
    }

    /** A command-line mistake: one line and exit code 2. */
    static final class UsageErrorHandler implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException ex, String[] args) {
            CommandLine cl = ex.getCommandLine();
            String name = cl.getCommandSpec().qualifiedName();
            cl.getErr()
                    .println(
                            name
                                    + ": "
                                    + oneLine(ex.getMessage())
                                    + " (try '"
                                    + name
                                    + " --help')");
            cl.getErr().flush();
            return ExitCode.USAGE;
        }
    }

    /** A failure while running: one line, exit 1; the stack trace only with VIGIL_DEBUG set. */
    static final class FailureHandler implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
            String name = cl.getCommandSpec().qualifiedName();
            PrintWriter err = cl.getErr();
            KafkaException refused = refusal(ex);
            if (ex instanceof CliException || ex instanceof VideoSourceException) {
                err.println(name + ": " + oneLine(ex.getMessage()));
            } else if (refused != null) {
                err.println(name + ": Kafka refused: " + KafkaClients.why(refused));
            } else if (ex instanceof InterruptedException) {
                err.println(name + ": interrupted");
            } else {
                err.println(
                        name
                                + ": unexpected error: "
                                + oneLine(String.valueOf(ex))
                                + " (set "
                                + DEBUG_ENV
                                + "=1 for the stack trace)");
            }
            if (System.getenv(DEBUG_ENV) != null) {
                ex.printStackTrace(err);
            }
            err.flush();
            return ExitCode.FAILURE;
        }
    }

    /** A refused login or a forbidden operation among {@code ex}'s causes, or null. */
    private static KafkaException refusal(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AuthenticationException || t instanceof AuthorizationException) {
                return (KafkaException) t;
            }
        }
        return null;
    }

    /** {@code message} on one line, without any secret value this process was given. */
    static String oneLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        return SecretValues.scrub(message.replaceAll("\\s*[\\r\\n]+\\s*", "; ").trim());
    }
}

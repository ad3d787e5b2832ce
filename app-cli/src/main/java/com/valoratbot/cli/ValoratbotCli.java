package com.valoratbot.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one launcher: {@code valoratbot worker} runs the daemon, the other subcommands are the admins'
 * tools on the command table. Exit codes: 0 success, 1 a failure (one line on stderr), 2 bad usage,
 * 3 a command that ended in {@code error}, 4 a wait that timed out.
 */
@Command(
        name = "valoratbot",
        mixinStandardHelpOptions = true,
        version = "valoratbot 0.1.0",
        description = "Valoratbot backend: the worker daemon and the admin tools for its command table.",
        subcommands = {
            WorkerCommand.class,
            EnqueueCommand.class,
            ListCommand.class,
            ShowCommand.class,
            ReplayCommand.class,
            TailCommand.class,
            MigrateCommand.class,
            DoctorCommand.class,
            TimeZoneCommand.class,
            ShardsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class ValoratbotCli {

    public static final int FAILED = 1;
    public static final int COMMAND_ERROR = 3;
    public static final int TIMED_OUT = 4;

    public static void main(String[] args) {
        // Admin commands print results, not the database's start-up story; the worker keeps INFO.
        if ((args.length == 0 || !args[0].equals("worker")) && System.getProperty("valoratbot.log.level") == null) {
            System.setProperty("valoratbot.log.level", "WARN");
        }
        System.exit(run(System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs with an explicit environment and streams, so tests drive the real CLI in-process. */
    public static int run(java.util.Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new ValoratbotCli(), new CliFactory(env));
        cli.setOut(out);
        cli.setErr(err);
        // An infrastructure failure is one line a person can act on, not a stack trace.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("valoratbot: " + oneLine(e));
            return FAILED;
        });
        return cli.execute(args);
    }

    static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s*\\R\\s*", " ");
    }
}

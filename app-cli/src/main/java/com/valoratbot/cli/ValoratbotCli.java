package com.valoratbot.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
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
        description = "Valoratbot backend: the worker daemon and the admin tools for its command table.")
public final class ValoratbotCli {

    /**
     * The subcommands by the name each one's {@code @Command} gives it, in the order
     * {@code valoratbot --help} lists them. Registered in {@link #run}, not in the annotation: see there.
     */
    static final List<Map.Entry<String, Class<?>>> SUBCOMMANDS = List.of(
            Map.entry("worker", WorkerCommand.class),
            Map.entry("enqueue", EnqueueCommand.class),
            Map.entry("ls", ListCommand.class),
            Map.entry("show", ShowCommand.class),
            Map.entry("replay", ReplayCommand.class),
            Map.entry("tail", TailCommand.class),
            Map.entry("migrate", MigrateCommand.class),
            Map.entry("doctor", DoctorCommand.class),
            Map.entry("timezone", TimeZoneCommand.class),
            Map.entry("shards", ShardsCommand.class),
            Map.entry("help", CommandLine.HelpCommand.class));

    public static final int FAILED = 1;
    public static final int COMMAND_ERROR = 3;
    public static final int TIMED_OUT = 4;

    public static void main(String[] args) {
        // Admin commands print results, not the database's start-up story; the worker keeps INFO.
        boolean admin = args.length == 0 || !args[0].equals("worker");
        if (admin && System.getProperty("valoratbot.log.level") == null) {
            System.setProperty("valoratbot.log.level", "WARN");
        }
        // Their logging is set up in code, not from logback.xml (AdminLogConfigurator says why).
        if (admin) System.setProperty(AdminLogConfigurator.ADMIN_PROPERTY, "true");
        System.exit(run(System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs with an explicit environment and streams, so tests drive the real CLI in-process. */
    public static int run(java.util.Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new ValoratbotCli(), new CliFactory(env));
        // picocli builds the model of every registered subcommand by reflection before it parses
        // anything: half of an `ls` call's CPU time with all eleven (a CLI call's target is 1 s;
        // docs/benchmarks.md). A call whose first word names a subcommand only ever parses that
        // one, so only that one is registered; anything else (no argument, --help, --version,
        // `help <cmd>`, a typo that picocli answers with suggestions) gets them all.
        String first = args.length > 0 ? args[0] : "";
        boolean one = !first.equals("help")
                && SUBCOMMANDS.stream().anyMatch(s -> s.getKey().equals(first));
        for (Map.Entry<String, Class<?>> s : SUBCOMMANDS) {
            if (!one || s.getKey().equals(first)) cli.addSubcommand(s.getKey(), s.getValue());
        }
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

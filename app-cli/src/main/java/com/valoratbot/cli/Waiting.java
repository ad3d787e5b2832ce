package com.valoratbot.cli;

import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.CommandRow;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --wait} and {@code --timeout}, mixed into every command that queues one (enqueue, replay),
 * so their wording, default and exit codes live in one place: the result on stdout, and an exit
 * code that says how it ended.
 */
final class Waiting {

    @Option(names = "--wait", description = "Wait for the queued command's result and print it.")
    boolean await;

    @Option(
            names = "--timeout",
            defaultValue = "30s",
            converter = Durations.class,
            description = "How long --wait waits (default ${DEFAULT-VALUE}).")
    Duration timeout;

    /** The queued command's id, or with {@code --wait} its result once it ends. */
    int print(CommandAdmin admin, String id, PrintWriter out, PrintWriter err) throws InterruptedException {
        if (await) return printResult(admin, id, timeout, out, err);
        out.println(id);
        return 0;
    }

    static int printResult(CommandAdmin admin, String id, Duration timeout, PrintWriter out, PrintWriter err)
            throws InterruptedException {
        Optional<CommandRow> row = admin.awaitResult(id, timeout);
        if (row.isEmpty()) {
            err.println("valoratbot: command " + id + " did not finish within " + timeout.toSeconds()
                    + " s (is a worker running? try: valoratbot doctor)");
            return ValoratbotCli.TIMED_OUT;
        }
        out.println(RowFormat.result(row.get()));
        return "done".equals(row.get().status()) ? 0 : ValoratbotCli.COMMAND_ERROR;
    }
}

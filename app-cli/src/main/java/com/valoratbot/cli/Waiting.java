package com.valoratbot.cli;

import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.CommandRow;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;

/** {@code --wait}: the result on stdout, and an exit code that says how it ended. */
final class Waiting {

    private Waiting() {}

    static int printResult(CommandAdmin admin, String id, Duration timeout, PrintWriter out, PrintWriter err) throws InterruptedException {
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

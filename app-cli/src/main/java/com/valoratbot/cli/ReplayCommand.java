package com.valoratbot.cli;

import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "replay", description = "Queue a copy of a past command (same guild, action, payload and requester).")
final class ReplayCommand extends DatabaseCommand {

    @Parameters(index = "0", description = "The past command's id.")
    String id;

    @Option(names = "--wait", description = "Wait for the new command's result and print it.")
    boolean await;

    @Option(names = "--timeout", defaultValue = "30s", description = "How long --wait waits (default ${DEFAULT-VALUE}).")
    String timeout;

    @Override
    int run(Database db, CommandAdmin admin) throws Exception {
        String copy = admin.replay(id);
        if (await) return Waiting.printResult(admin, copy, Durations.parse("--timeout", timeout), out(), err());
        out().println(copy);
        return 0;
    }
}

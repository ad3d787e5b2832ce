package com.valoratbot.cli;

import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;

@Command(name = "replay", mixinStandardHelpOptions = true, description = "Queue a copy of a past command (same guild, action, payload and requester).")
final class ReplayCommand extends DatabaseCommand {

    @Parameters(index = "0", description = "The past command's id, or a prefix only it has.")
    String id;

    @Option(names = "--wait", description = "Wait for the new command's result and print it.")
    boolean await;

    @Option(names = "--timeout", defaultValue = "30s", converter = Durations.class, description = "How long --wait waits (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    int run(Database db, CommandAdmin admin) throws Exception {
        String copy = admin.replay(ShowCommand.resolve(admin, id).id());
        if (await) return Waiting.printResult(admin, copy, timeout, out(), err());
        out().println(copy);
        return 0;
    }
}

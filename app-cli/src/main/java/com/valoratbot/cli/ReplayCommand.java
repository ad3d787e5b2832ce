package com.valoratbot.cli;

import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = "Queue a copy of a past command (same guild, action, payload and requester).")
final class ReplayCommand extends DatabaseCommand {

    @Parameters(index = "0", description = "The past command's id, or a prefix only it has.")
    String id;

    @Mixin
    Waiting waiting;

    @Override
    int run(Database db, CommandAdmin admin) throws Exception {
        String copy = admin.replay(ShowCommand.resolve(admin, id).id());
        return waiting.print(admin, copy, out(), err());
    }
}

package com.valoratbot.cli;

import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.NoSuchElementException;

@Command(name = "show", description = "Show one command with its payload and result.")
final class ShowCommand extends DatabaseCommand {

    @Parameters(index = "0", description = "The command's id.")
    String id;

    @Override
    int run(Database db, CommandAdmin admin) {
        out().println(RowFormat.json(admin.find(id).orElseThrow(() -> new NoSuchElementException("no command " + id))));
        return 0;
    }
}

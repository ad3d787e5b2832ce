package com.valoratbot.cli;

import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.CommandRow;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.IdLookup;
import java.util.NoSuchElementException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "show", mixinStandardHelpOptions = true, description = "Show one command with its payload and result.")
final class ShowCommand extends DatabaseCommand {

    @Parameters(index = "0", description = "The command's id, or a prefix only it has (as printed by ls).")
    String id;

    @Override
    int run(Database db, CommandAdmin admin) {
        out().println(RowFormat.json(resolve(admin, id)));
        return 0;
    }

    /** The one command an id or unique prefix names; otherwise a one-line failure naming the candidates. */
    static CommandRow resolve(CommandAdmin admin, String text) {
        return switch (admin.lookup(text)) {
            case IdLookup.Found found -> found.row();
            case IdLookup.NotFound notFound -> throw new NoSuchElementException("no command " + notFound.text());
            case IdLookup.Ambiguous ambiguous ->
                throw new NoSuchElementException("the prefix " + ambiguous.prefix() + " names several commands ("
                        + String.join(", ", ambiguous.candidates())
                        + (ambiguous.candidates().size() >= CommandAdmin.MAX_CANDIDATES ? ", …" : "")
                        + "); type more of the id");
        };
    }
}

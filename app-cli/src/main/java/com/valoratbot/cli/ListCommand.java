package com.valoratbot.cli;

import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.CommandFilter;
import com.valoratbot.supabase.CommandRow;
import com.valoratbot.supabase.Database;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ls", mixinStandardHelpOptions = true, description = "List commands, newest first.")
final class ListCommand extends DatabaseCommand {

    /** The guide's four statuses: anything else would list nothing and exit 0, hiding the typo. */
    static final List<String> STATUSES = List.of("pending", "processing", "done", "error");

    @Option(names = "--status", description = "pending, processing, done or error.")
    String status;

    @Option(names = "--guild", description = "Only this guild's commands.")
    String guild;

    @Option(names = "--action", description = "Only this action.")
    String action;

    @Option(
            names = {"-n", "--limit"},
            defaultValue = "20",
            description = "At most this many (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "One JSON object per line instead of a table.")
    boolean json;

    @Override
    void validate() {
        if (status != null && !STATUSES.contains(status))
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--status must be one of " + String.join(", ", STATUSES) + ", was '" + status + "'");
    }

    @Override
    int run(Database db, CommandAdmin admin) {
        List<CommandRow> rows = admin.list(CommandFilter.all()
                .withStatus(status)
                .withGuild(guild)
                .withAction(action)
                .withLimit(limit));
        if (!json) out().println(RowFormat.header());
        for (CommandRow r : rows)
            out().println(json ? RowFormat.json(r).replaceAll("\\s*\\R\\s*", " ") : RowFormat.line(r));
        return 0;
    }
}

package com.valoratbot.cli;

import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.Database;
import picocli.CommandLine.Command;

@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        description = "Create or update the command table and the valoratbot schema (never drops rows).")
final class MigrateCommand extends DatabaseCommand {

    @Override
    boolean migrates() {
        return true;
    }

    @Override
    int run(Database db, CommandAdmin admin) {
        out().println("migrations applied: " + db.describe() + ", command table "
                + db.settings().qualifiedTable());
        return 0;
    }
}

package com.valoratbot.cli;

import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.CommandRow;
import com.valoratbot.supabase.CompletedTail;
import com.valoratbot.supabase.Database;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        description = "Follow results live as commands finish (Ctrl-C to stop).")
final class TailCommand extends DatabaseCommand {

    @Option(names = "--guild", description = "Only this guild's commands.")
    String guild;

    @Option(names = "--count", description = "Stop after this many results.")
    Integer count;

    @Option(names = "--for", converter = Durations.class, description = "Stop after this long (e.g. 30s).")
    Duration duration;

    @Override
    int run(Database db, CommandAdmin admin) throws Exception {
        long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        int shown = 0;
        out().println(RowFormat.header());
        try (CompletedTail tail = admin.tail()) {
            while (System.nanoTime() < deadline && (count == null || shown < count)) {
                for (CommandRow r : tail.poll(Duration.ofSeconds(1))) {
                    if (guild != null && !guild.equals(r.guildId())) continue;
                    out().println(RowFormat.line(r));
                    out().flush();
                    if (count != null && ++shown >= count) break;
                }
            }
        }
        return 0;
    }
}

package com.valoratbot.cli;

import com.valoratbot.core.command.Snowflake;
import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.scheduling.PostgresGuildTimeZones;
import com.valoratbot.worker.Settings;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "timezone",
        mixinStandardHelpOptions = true,
        description = {
            "Show or set a guild's time zone, used for dashboard times without a zone and weekly leaderboards.",
            "Running workers pick a change up within a minute."
        })
final class TimeZoneCommand extends DatabaseCommand {

    @Parameters(index = "0", description = "The guild id.")
    String guild;

    @Parameters(index = "1", arity = "0..1", description = "An IANA zone such as Europe/Paris or America/Montreal.")
    String zone;

    @Option(names = "--reset", description = "Forget the guild's own zone: it uses VALORATBOT_TIMEZONE again.")
    boolean reset;

    @Override
    int run(Database db, CommandAdmin admin) {
        Snowflake guildId = Snowflake.parse(guild)
                .orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(), "not a guild id: " + guild));
        ZoneId fallback = Settings.load(env()).zone("VALORATBOT_TIMEZONE", ZoneId.of("Europe/Paris"));
        try (PostgresGuildTimeZones zones = PostgresGuildTimeZones.builder(db.dataSource())
                .defaultZone(fallback)
                .build()
                .start()) {
            if (reset) {
                zones.setZone(guildId, Optional.empty());
            } else if (zone != null) {
                zones.setZone(guildId, Optional.of(parse(zone)));
            }
            zones.reload();
            out().println(guildId + " " + zones.zoneOf(guildId).getId());
        }
        return 0;
    }

    private ZoneId parse(String text) {
        try {
            return ZoneId.of(text);
        } catch (DateTimeException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "not a time zone: " + text + " (try Europe/Paris)");
        }
    }
}

package com.valoratbot.core.schedule;

import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.schedule.GuildPresence;
import com.valoratbot.core.port.schedule.GuildTimeZones;
import com.valoratbot.core.result.Text;
import com.valoratbot.core.schedule.ScheduleRules.Turn;
import com.valoratbot.core.text.Messages;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * The settings both scheduling use cases apply to a due job, as {@link ScheduleOptions} built them:
 * whose guild it is to run (presence), how late it may run (grace), how soon it is offered again
 * (hand-off), the guild's zone, and the language stored reasons are in.
 */
record JobRules(
        GuildTimeZones zones, GuildPresence presence, Duration grace, Duration handOffDelay, Messages messages) {

    ZoneId zoneOf(Snowflake guild) {
        return zones.zoneOf(guild);
    }

    /** See {@link ScheduleRules#turn}. */
    Turn turn(Snowflake guild, Instant dueAt, Instant now) {
        return ScheduleRules.turn(presence.holds(guild), dueAt, now, grace);
    }

    /** When a job this worker handed off is offered again. */
    Instant handedOff(Instant now) {
        return now.plus(handOffDelay);
    }

    /** A reason as stored for the dashboard: rendered in the deployment's language. */
    String render(Text reason) {
        return messages.render(reason);
    }

    /** Says in the log how late a missed job was and what became of it. */
    void logMissed(System.Logger log, String job, Instant dueAt, Instant now, String what) {
        log.log(
                System.Logger.Level.WARNING,
                job + " is " + Duration.between(dueAt, now) + " late (grace " + grace + "): " + what);
    }
}

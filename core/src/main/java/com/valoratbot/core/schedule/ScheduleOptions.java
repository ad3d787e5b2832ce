package com.valoratbot.core.schedule;

import com.valoratbot.core.port.schedule.GuildPresence;
import com.valoratbot.core.port.schedule.GuildTimeZones;
import com.valoratbot.core.text.Language;
import com.valoratbot.core.text.Messages;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * The options both scheduling use cases share ({@link ScheduledAnnouncements},
 * {@link ScheduledLeaderboards}), with their checks: one place for them. How often jobs are looked
 * for, by how many threads and under which worker name belong to the {@code JobTimer} given.
 *
 * @param <B> the concrete builder, so each setter returns it
 */
public abstract class ScheduleOptions<B extends ScheduleOptions<B>> {

    private GuildTimeZones zones;
    private ZoneId defaultZone = ScheduleRules.DEFAULT_ZONE;
    private GuildPresence presence = GuildPresence.everyGuild();
    private Duration grace = ScheduleRules.DEFAULT_GRACE;
    private Duration handOffDelay = Duration.ofSeconds(3);
    private Language language = Language.FR;

    ScheduleOptions() {}

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** How late a job may still run after downtime; later it is marked missed. Default 1 h. */
    public B grace(Duration v) {
        grace = ScheduleRules.checkGrace(v);
        return self();
    }

    /** The zone for every guild when no {@link #timeZones} are given. Default Europe/Paris. */
    public B defaultZone(ZoneId v) {
        defaultZone = Objects.requireNonNull(v, "defaultZone");
        return self();
    }

    /** Per-guild zones (e.g. the Postgres adapter's {@code PostgresGuildTimeZones}); overrides {@link #defaultZone}. */
    public B timeZones(GuildTimeZones v) {
        zones = Objects.requireNonNull(v, "timeZones");
        return self();
    }

    /** Which guilds this worker holds; other guilds' jobs are left to their worker. Default all. */
    public B guildPresence(GuildPresence v) {
        presence = Objects.requireNonNull(v, "guildPresence");
        return self();
    }

    /** When this worker does not hold the guild, how soon the job is offered again. Default 3 s. */
    public B handOffDelay(Duration v) {
        if (v == null || v.isNegative() || v.isZero())
            throw new IllegalArgumentException("handOffDelay must be positive, was " + v);
        handOffDelay = v;
        return self();
    }

    /** The language of stored failure reasons. Default French. */
    public B language(Language v) {
        language = Objects.requireNonNull(v, "language");
        return self();
    }

    JobRules rules() {
        return new JobRules(
                zones != null ? zones : GuildTimeZones.fixed(defaultZone),
                presence,
                grace,
                handOffDelay,
                new Messages(language));
    }
}

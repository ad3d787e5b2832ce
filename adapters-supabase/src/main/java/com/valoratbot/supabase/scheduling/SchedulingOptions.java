package com.valoratbot.supabase.scheduling;

import com.valoratbot.core.text.Language;
import com.valoratbot.core.port.schedule.GuildPresence;
import com.valoratbot.core.port.schedule.GuildTimeZones;
import com.valoratbot.core.schedule.ScheduleRules;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * The options every db-scheduler-backed job here shares, with their checks: one place for them,
 * whatever the job ({@link ScheduledAnnouncements}, {@link ScheduledLeaderboards}).
 *
 * @param <B> the concrete builder, so each setter returns it
 */
public abstract class SchedulingOptions<B extends SchedulingOptions<B>> {

    GuildTimeZones zones;
    ZoneId defaultZone = ScheduleRules.DEFAULT_ZONE;
    GuildPresence presence = GuildPresence.everyGuild();
    Duration grace = ScheduleRules.DEFAULT_GRACE;
    Duration pollingInterval;
    Duration heartbeatInterval = Duration.ofSeconds(10);
    Duration handOffDelay = Duration.ofSeconds(3);
    int threads;
    private final int maxThreads;
    Language language = Language.FR;
    String workerName = DbSchedulers.defaultName();

    SchedulingOptions(Duration pollingInterval, int threads, int maxThreads) {
        this.pollingInterval = pollingInterval;
        this.threads = threads;
        this.maxThreads = maxThreads;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** How late a job may still run after downtime; later it is marked missed. Default 1 h. */
    public B grace(Duration v) { grace = ScheduleRules.checkGrace(v); return self(); }

    /** The zone for every guild when no {@link #timeZones} are given. Default Europe/Paris. */
    public B defaultZone(ZoneId v) { defaultZone = Objects.requireNonNull(v, "defaultZone"); return self(); }

    /** Per-guild zones (e.g. {@link PostgresGuildTimeZones}); overrides {@link #defaultZone}. */
    public B timeZones(GuildTimeZones v) { zones = Objects.requireNonNull(v, "timeZones"); return self(); }

    /** Which guilds this worker holds; other guilds' jobs are left to their worker. Default all. */
    public B guildPresence(GuildPresence v) { presence = Objects.requireNonNull(v, "guildPresence"); return self(); }

    /** How often db-scheduler looks for due jobs: the worst lateness. */
    public B pollingInterval(Duration v) { pollingInterval = DbSchedulers.positive("pollingInterval", v); return self(); }

    /** A run whose worker stops heart-beating for 6 of these is revived elsewhere. Default 10 s. */
    public B heartbeatInterval(Duration v) { heartbeatInterval = DbSchedulers.positive("heartbeatInterval", v); return self(); }

    /** When this worker does not hold the guild, how soon the job is offered again. Default 3 s. */
    public B handOffDelay(Duration v) { handOffDelay = DbSchedulers.positive("handOffDelay", v); return self(); }

    /** Jobs run in parallel. */
    public B threads(int v) {
        if (v < 1 || v > maxThreads) throw new IllegalArgumentException("threads must be 1.." + maxThreads + ", was " + v);
        threads = v;
        return self();
    }

    /** The language of stored failure reasons. Default French. */
    public B language(Language v) { language = Objects.requireNonNull(v, "language"); return self(); }

    /** This worker's name in picked_by / attempted_by. Default host#pid. */
    public B workerName(String v) {
        if (v == null || v.isBlank()) throw new IllegalArgumentException("workerName must not be blank");
        workerName = v;
        return self();
    }

    GuildTimeZones zonesOrDefault() {
        return zones != null ? zones : GuildTimeZones.fixed(defaultZone);
    }
}

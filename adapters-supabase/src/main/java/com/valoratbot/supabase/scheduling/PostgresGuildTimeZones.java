package com.valoratbot.supabase.scheduling;

import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.schedule.GuildTimeZones;
import com.valoratbot.core.schedule.ScheduleRules;
import com.valoratbot.supabase.PlainSql;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guild time zones from {@code valoratbot.guild_settings.time_zone}, answered from memory (activity
 * counting asks for every message) and reloaded every {@link Builder#refreshInterval}, so a zone set
 * by another process applies within that time. A guild without a row, or with an unknown zone id,
 * gets the default zone.
 *
 * <p>Set a zone with {@link #setZone} (or SQL: {@code INSERT INTO valoratbot.guild_settings (guild_id,
 * time_zone) VALUES (…, 'America/Montreal') ON CONFLICT (guild_id) DO UPDATE SET time_zone =
 * excluded.time_zone}).
 */
public final class PostgresGuildTimeZones implements GuildTimeZones, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresGuildTimeZones.class);

    private final DSLContext sql;
    private final ZoneId defaultZone;
    private final Duration refreshInterval;
    private volatile Map<Long, ZoneId> zones = Map.of();
    private ScheduledExecutorService refresher;

    private PostgresGuildTimeZones(Builder b) {
        this.sql = PlainSql.on(b.dataSource);
        this.defaultZone = b.defaultZone;
        this.refreshInterval = b.refreshInterval;
    }

    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** Loads the zones now and then every refresh interval, on a daemon thread. */
    public synchronized PostgresGuildTimeZones start() {
        if (refresher != null) throw new IllegalStateException("already started");
        reload();
        refresher = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("valoratbot-zones").daemon().factory());
        long every = refreshInterval.toMillis();
        refresher.scheduleWithFixedDelay(
                () -> {
                    try {
                        reload();
                    } catch (RuntimeException e) {
                        LOG.warn("reloading guild time zones failed, keeping the previous ones: {}", e.toString());
                    }
                },
                every,
                every,
                TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public synchronized void close() {
        if (refresher != null) refresher.shutdownNow();
    }

    @Override
    public ZoneId zoneOf(Snowflake guildId) {
        return zones.getOrDefault(guildId.value(), defaultZone);
    }

    public ZoneId defaultZone() {
        return defaultZone;
    }

    /** Sets (or with an empty zone, clears) a guild's zone; effective here at once, elsewhere at the next reload. */
    public void setZone(Snowflake guildId, Optional<ZoneId> zone) {
        sql.execute(
                "INSERT INTO " + Tables.GUILD_SETTINGS + " (guild_id, time_zone, updated_at) VALUES (?, ?, now()) "
                        + "ON CONFLICT (guild_id) DO UPDATE SET time_zone = excluded.time_zone, updated_at = now()",
                guildId.value(),
                PlainSql.text(zone.map(ZoneId::getId).orElse(null)));
        Map<Long, ZoneId> copy = new HashMap<>(zones);
        zone.ifPresentOrElse(z -> copy.put(guildId.value(), z), () -> copy.remove(guildId.value()));
        zones = Map.copyOf(copy);
    }

    /** Reads every guild's zone again. */
    public void reload() {
        Map<Long, ZoneId> loaded = new HashMap<>();
        for (Record r : sql.fetch(
                "SELECT guild_id, time_zone FROM " + Tables.GUILD_SETTINGS + " WHERE time_zone IS NOT NULL")) {
            long guild = r.get(0, Long.class);
            String id = r.get(1, String.class);
            try {
                loaded.put(guild, ZoneId.of(id.strip()));
            } catch (DateTimeException unknown) {
                LOG.warn("guild {} has an unknown time zone '{}' in guild_settings; using {}", guild, id, defaultZone);
            }
        }
        zones = Map.copyOf(loaded);
    }

    public static final class Builder {
        private final DataSource dataSource;
        private ZoneId defaultZone = ScheduleRules.DEFAULT_ZONE;
        private Duration refreshInterval = Duration.ofMinutes(1);

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** For guilds without a zone of their own. Default Europe/Paris. */
        public Builder defaultZone(ZoneId v) {
            defaultZone = Objects.requireNonNull(v, "defaultZone");
            return this;
        }

        /** How soon a zone changed by another process applies here. Default 1 min. */
        public Builder refreshInterval(Duration v) {
            refreshInterval = DbSchedulerTimer.positive("refreshInterval", v);
            return this;
        }

        public PostgresGuildTimeZones build() {
            return new PostgresGuildTimeZones(this);
        }
    }
}

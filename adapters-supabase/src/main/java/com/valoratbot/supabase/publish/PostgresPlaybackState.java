package com.valoratbot.supabase.publish;

import com.valoratbot.supabase.PlainSql;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each guild's playback state in {@code public.music_playback} (migration V400), for a dashboard that reads or
 * subscribes to it (Supabase Realtime) instead of sending {@code getQueue}: the voice channel, the now-playing
 * track with its position, paused, and the waiting tracks ({@code title}, {@code uri}).
 *
 * <p>Fed with the music module's own queue documents ({@code QueueSnapshot}, written on every change and every
 * few seconds while playing: the position ticks). Writes are coalesced: at most one per guild per
 * {@link #DEFAULT_SPACING}, always the latest state, on this class's own thread, never on the audio path.
 * The document is turned into columns by Postgres (its {@code jsonb} operators), so Lavaplayer's encoded tracks
 * never reach the public table.
 *
 * <p>The table is readable with Supabase's public key (V400's read-only policy), so only what is safe to show
 * anyone is written: an {@code http(s)} uri loses its userinfo, query string and fragment (where users' links
 * carry tokens), any other uri (a local file path, a {@code file:} url) is not written at all, and a title that is
 * only that uri repeated goes too. See {@link #PUBLIC_ENTRY}.
 *
 * <p>When a write fails (the table is missing, the database is away) the pending states are kept (only the newest
 * per guild) and tried again after a delay that doubles up to {@link #DEFAULT_MAX_BACKOFF}; the failure is logged
 * once per run of failures, and once more when a write works again, never once a second.
 */
public final class PostgresPlaybackState implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresPlaybackState.class);
    public static final Duration DEFAULT_SPACING = Duration.ofSeconds(1);
    /** The longest wait between two attempts while writes fail: a fixed database is used within a minute. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(1);

    static final String TABLE = "public.music_playback";

    /**
     * One track entry ({@code %1$s}, a jsonb object) as the public may see it: without Lavaplayer's encoded
     * {@code track}; {@code uri} only when it is {@code http(s)}, rebuilt from scheme, host (userinfo dropped: the
     * last {@code @} before the path ends it) and path (query and fragment dropped); a {@code title} equal to a
     * dropped uri dropped too (Lavaplayer may title a local file by its path).
     */
    static final String PUBLIC_ENTRY = """
            (SELECT CASE WHEN m IS NULL
                         THEN (%1$s - 'track' - 'uri') - CASE WHEN %1$s ->> 'title' = %1$s ->> 'uri' THEN 'title' ELSE '' END
                         ELSE (%1$s - 'track') || jsonb_build_object('uri', array_to_string(m, '')) END
             FROM (SELECT regexp_match(%1$s ->> 'uri', '^(https?://)(?:[^/?#]*@)?([^/?#]*)([^?#]*)', 'i') AS m) AS u)""";

    private static final String UPSERT =
            """
            INSERT INTO %s (guild_id, channel_id, now_playing, paused, queue, updated_at)
            SELECT ?, s ->> 'channelId',
                   CASE WHEN s -> 'current' IS NOT NULL THEN %s END,
                   coalesce((s ->> 'paused')::boolean, false),
                   coalesce((SELECT jsonb_agg(%s ORDER BY i)
                             FROM jsonb_array_elements(s -> 'queue') WITH ORDINALITY AS q(e, i)), '[]'::jsonb),
                   now()
            FROM (SELECT ?::jsonb AS s) AS doc
            ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, now_playing = excluded.now_playing,
                paused = excluded.paused, queue = excluded.queue, updated_at = excluded.updated_at
            """.formatted(TABLE, PUBLIC_ENTRY.formatted("(s -> 'current')"), PUBLIC_ENTRY.formatted("e"));
    private static final String DELETE = "DELETE FROM " + TABLE + " WHERE guild_id = ?";

    private final DSLContext sql;
    /** Guild → its latest document, or empty when it stopped: only the newest state of a guild is written. */
    private final Map<Long, Optional<String>> pending = new HashMap<>();

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("valoratbot-playback").daemon().factory());

    private final Duration spacing;
    private final Duration maxBackoff;
    /** The wait before the next attempt: the spacing, doubled after each failed write up to maxBackoff. */
    private Duration delay;
    /** Failed writes in a row (this class's thread, or a test calling flush); 0 while writes work. */
    private int failures;

    private PostgresPlaybackState(DataSource dataSource, Duration spacing, Duration maxBackoff) {
        this.sql = PlainSql.on(dataSource);
        this.spacing = spacing;
        this.maxBackoff = maxBackoff;
        this.delay = spacing;
        thread.schedule(this::round, spacing.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static PostgresPlaybackState on(DataSource dataSource) {
        return on(dataSource, DEFAULT_SPACING);
    }

    public static PostgresPlaybackState on(DataSource dataSource, Duration spacing) {
        Objects.requireNonNull(spacing, "spacing");
        return on(dataSource, spacing, spacing.compareTo(DEFAULT_MAX_BACKOFF) > 0 ? spacing : DEFAULT_MAX_BACKOFF);
    }

    public static PostgresPlaybackState on(DataSource dataSource, Duration spacing, Duration maxBackoff) {
        Objects.requireNonNull(spacing, "spacing");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (spacing.isNegative() || spacing.isZero())
            throw new IllegalArgumentException("spacing must be positive, was " + spacing);
        if (maxBackoff.compareTo(spacing) < 0)
            throw new IllegalArgumentException("maxBackoff must be at least the spacing, was " + maxBackoff);
        return new PostgresPlaybackState(Objects.requireNonNull(dataSource, "dataSource"), spacing, maxBackoff);
    }

    /** One scheduled attempt, then the next one after the spacing, or after the backoff while writes fail. */
    private void round() {
        try {
            delay = flush() ? spacing : min(delay.multipliedBy(2), maxBackoff);
        } catch (RuntimeException e) {
            LOG.warn("playback state round failed: {}", e.toString());
        }
        if (!thread.isShutdown()) {
            try {
                thread.schedule(this::round, delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // close() won the race: nothing more to schedule.
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** The guild's player changed (or its position ticked): the music module's queue document. */
    public void changed(long guildId, String snapshotJson) {
        Objects.requireNonNull(snapshotJson, "snapshotJson");
        synchronized (pending) {
            pending.put(guildId, Optional.of(snapshotJson));
        }
    }

    /** Nothing plays in the guild any more: its row goes. */
    public void stopped(long guildId) {
        synchronized (pending) {
            pending.put(guildId, Optional.empty());
        }
    }

    /** Writes what changed since the last flush, one statement batch; false when the write failed. */
    boolean flush() {
        Map<Long, Optional<String>> taken;
        synchronized (pending) {
            if (pending.isEmpty()) return true;
            taken = new HashMap<>(pending);
            pending.clear();
        }
        List<Object[]> upserts = new ArrayList<>();
        List<Object[]> deletes = new ArrayList<>();
        taken.forEach((guildId, state) -> {
            String guild = Long.toUnsignedString(guildId);
            if (state.isPresent()) upserts.add(new Object[] {guild, state.get()});
            else deletes.add(new Object[] {guild});
        });
        try {
            if (!upserts.isEmpty())
                sql.batch(UPSERT).bind(upserts.toArray(Object[][]::new)).execute();
            if (!deletes.isEmpty())
                sql.batch(DELETE).bind(deletes.toArray(Object[][]::new)).execute();
        } catch (RuntimeException e) {
            // Newer states that arrived meanwhile win over the ones taken here.
            synchronized (pending) {
                taken.forEach(pending::putIfAbsent);
            }
            if (failures++ == 0) {
                LOG.warn(
                        "could not publish the playback state to {}; keeping each guild's latest state and trying again"
                                + " with a growing delay (up to {}), said once until it works: {}",
                        TABLE,
                        maxBackoff,
                        e.toString());
            }
            return false;
        }
        if (failures > 0) {
            LOG.info("playback state published to {} again after {} failed attempt(s)", TABLE, failures);
            failures = 0;
        }
        return true;
    }

    /** Writes what is pending, then stops. */
    @Override
    public void close() {
        try {
            thread.submit(this::flush).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("playback state not flushed on close: {}", e.toString());
        }
        thread.shutdownNow();
    }
}

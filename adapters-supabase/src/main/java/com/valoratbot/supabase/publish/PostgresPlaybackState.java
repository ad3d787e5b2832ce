package com.valoratbot.supabase.publish;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
 */
public final class PostgresPlaybackState implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresPlaybackState.class);
    public static final Duration DEFAULT_SPACING = Duration.ofSeconds(1);
    static final String TABLE = "public.music_playback";

    private static final String UPSERT = """
            INSERT INTO %s (guild_id, channel_id, now_playing, paused, queue, updated_at)
            SELECT ?, s ->> 'channelId',
                   CASE WHEN s -> 'current' IS NOT NULL THEN (s -> 'current') - 'track' END,
                   coalesce((s ->> 'paused')::boolean, false),
                   coalesce((SELECT jsonb_agg(e - 'track' ORDER BY i)
                             FROM jsonb_array_elements(s -> 'queue') WITH ORDINALITY AS q(e, i)), '[]'::jsonb),
                   now()
            FROM (SELECT ?::jsonb AS s) AS doc
            ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, now_playing = excluded.now_playing,
                paused = excluded.paused, queue = excluded.queue, updated_at = excluded.updated_at
            """.formatted(TABLE);
    private static final String DELETE = "DELETE FROM " + TABLE + " WHERE guild_id = ?";

    private final DataSource dataSource;
    /** Guild → its latest document, or empty when it stopped: only the newest state of a guild is written. */
    private final Map<Long, Optional<String>> pending = new HashMap<>();
    private final ScheduledExecutorService thread =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("valoratbot-playback").daemon().factory());

    private PostgresPlaybackState(DataSource dataSource, Duration spacing) {
        this.dataSource = dataSource;
        long every = spacing.toMillis();
        thread.scheduleWithFixedDelay(this::flush, every, every, TimeUnit.MILLISECONDS);
    }

    public static PostgresPlaybackState on(DataSource dataSource) {
        return on(dataSource, DEFAULT_SPACING);
    }

    public static PostgresPlaybackState on(DataSource dataSource, Duration spacing) {
        Objects.requireNonNull(spacing, "spacing");
        if (spacing.isNegative() || spacing.isZero()) throw new IllegalArgumentException("spacing must be positive, was " + spacing);
        return new PostgresPlaybackState(Objects.requireNonNull(dataSource, "dataSource"), spacing);
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

    /** Writes what changed since the last flush, one statement batch. */
    void flush() {
        Map<Long, Optional<String>> taken;
        synchronized (pending) {
            if (pending.isEmpty()) return;
            taken = new HashMap<>(pending);
            pending.clear();
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement upsert = c.prepareStatement(UPSERT);
             PreparedStatement delete = c.prepareStatement(DELETE)) {
            for (Map.Entry<Long, Optional<String>> e : taken.entrySet()) {
                String guild = Long.toUnsignedString(e.getKey());
                if (e.getValue().isPresent()) {
                    upsert.setString(1, guild);
                    upsert.setString(2, e.getValue().get());
                    upsert.addBatch();
                } else {
                    delete.setString(1, guild);
                    delete.addBatch();
                }
            }
            upsert.executeBatch();
            delete.executeBatch();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("could not publish the playback state of {} guild(s); the next change writes it again: {}", taken.size(), e.toString());
            synchronized (pending) {
                taken.forEach(pending::putIfAbsent);
            }
        }
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

package com.valoratbot.core.publish;

import java.time.Duration;
import java.util.Objects;

/**
 * Which of the dashboard's tables this worker writes, and how often. A disabled publication is never
 * scheduled (its table may be written by another program, or not wanted).
 *
 * @param statusInterval      a {@code bot_status} row this often; the page calls the bot down after 2 min
 * @param statusRetention     {@code bot_status} rows older than this are deleted
 * @param guildsResync        the whole {@code bot_guilds} list is re-written this often (joins, leaves and
 *                            renames are written when they happen); rows no worker saw for 3 of these go
 * @param snapshotInterval    a {@code guild_snapshot} row per guild this often
 * @param snapshotRetention   snapshots older than this are deleted
 * @param leaderboardInterval the current week's {@code leaderboards} rows are refreshed this often
 */
public record PublishSettings(
        boolean status,
        Duration statusInterval,
        Duration statusRetention,
        boolean guilds,
        Duration guildsResync,
        boolean snapshots,
        Duration snapshotInterval,
        Duration snapshotRetention,
        boolean leaderboards,
        Duration leaderboardInterval) {

    public static final Duration DEFAULT_STATUS_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_STATUS_RETENTION = Duration.ofHours(24);
    public static final Duration DEFAULT_GUILDS_RESYNC = Duration.ofMinutes(5);
    public static final Duration DEFAULT_SNAPSHOT_INTERVAL = Duration.ofMinutes(5);
    public static final Duration DEFAULT_SNAPSHOT_RETENTION = Duration.ofDays(7);
    /** The "at most once a minute": the page shows the week, not a live counter. */
    public static final Duration DEFAULT_LEADERBOARD_INTERVAL = Duration.ofMinutes(1);
    /** The page calls the bot down when the newest row is this old: a status interval must stay well below. */
    public static final Duration PAGE_FRESHNESS = Duration.ofMinutes(2);

    public PublishSettings {
        positive("statusInterval", statusInterval);
        positive("statusRetention", statusRetention);
        positive("guildsResync", guildsResync);
        positive("snapshotInterval", snapshotInterval);
        positive("snapshotRetention", snapshotRetention);
        positive("leaderboardInterval", leaderboardInterval);
        if (statusInterval.compareTo(PAGE_FRESHNESS.dividedBy(2)) > 0) {
            throw new IllegalArgumentException("statusInterval must be at most " + PAGE_FRESHNESS.dividedBy(2)
                    + " (the dashboard calls the bot down when its newest row is " + PAGE_FRESHNESS + " old), was "
                    + statusInterval);
        }
        if (statusRetention.compareTo(PAGE_FRESHNESS) < 0) {
            throw new IllegalArgumentException(
                    "statusRetention must be at least " + PAGE_FRESHNESS + ", was " + statusRetention);
        }
        if (snapshotRetention.compareTo(snapshotInterval) < 0) {
            throw new IllegalArgumentException(
                    "snapshotRetention must be at least the snapshot interval, was " + snapshotRetention);
        }
    }

    public static PublishSettings defaults() {
        return new PublishSettings(
                true,
                DEFAULT_STATUS_INTERVAL,
                DEFAULT_STATUS_RETENTION,
                true,
                DEFAULT_GUILDS_RESYNC,
                true,
                DEFAULT_SNAPSHOT_INTERVAL,
                DEFAULT_SNAPSHOT_RETENTION,
                true,
                DEFAULT_LEADERBOARD_INTERVAL);
    }

    private static void positive(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(what + " must be positive, was " + d);
    }
}

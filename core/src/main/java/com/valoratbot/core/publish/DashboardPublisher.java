package com.valoratbot.core.publish;

import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.publish.DashboardSource;
import com.valoratbot.core.port.publish.DashboardTables;
import com.valoratbot.core.port.schedule.GuildTimeZones;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the dashboard's tables current: {@code bot_status}, {@code bot_guilds}, {@code guild_snapshot} and
 * {@code leaderboards} (see docs/dashboard.md).
 *
 * <p>Everything runs on this publisher's own threads (one for the status, one for the snapshots, one for the
 * rest), never on a gateway
 * thread or the command path: Discord events ({@link #guildJoined}, {@link #guildLeft}, {@link #guildRenamed}) only
 * enqueue. A failed write is
 * logged and done again at the next interval; nothing is retried in a loop.
 *
 * <p>With several workers, each publishes what its connection holds and the {@link DashboardTables}
 * implementation keeps them from writing the same row twice.
 */
public final class DashboardPublisher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DashboardPublisher.class.getName());
    /** A bot_guilds row no worker refreshed for this many resyncs belongs to a guild the bot left while down. */
    static final int STALE_RESYNCS = 3;

    private final DashboardSource source;
    private final DashboardTables tables;
    private final GuildTimeZones zones;
    private final Clock clock;
    private final PublishSettings settings;
    private final String version;
    private final PublicationOutage outage;
    /** Each guild's week at its previous publication (the publisher's thread, or a test calling it). */
    private final Map<Snowflake, DashboardWeek> lastWeeks = new java.util.concurrent.ConcurrentHashMap<>();

    private ScheduledExecutorService thread;
    /**
     * bot_status has a thread of its own: a snapshot round asks Discord once per guild and may take a while
     * with many guilds, and the page calls the bot down when the newest status row is 2 minutes old.
     */
    private ScheduledExecutorService statusThread;
    /**
     * Snapshots have a thread of their own too: a round asks Discord once per guild (thousands of REST calls with
     * thousands of guilds, each bounded by the source's timeout), and joins, leaves, resyncs and leaderboards must
     * not wait behind it.
     */
    private ScheduledExecutorService snapshotThread;

    private Instant startedAt;
    private boolean closed;

    private DashboardPublisher(
            DashboardSource source,
            DashboardTables tables,
            GuildTimeZones zones,
            Clock clock,
            PublishSettings settings,
            String version) {
        this.source = Objects.requireNonNull(source, "source");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.zones = Objects.requireNonNull(zones, "zones");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.outage = new PublicationOutage(clock);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.version = Objects.requireNonNull(version, "version");
        this.startedAt = clock.instant();
    }

    public static DashboardPublisher create(
            DashboardSource source,
            DashboardTables tables,
            GuildTimeZones zones,
            Clock clock,
            PublishSettings settings,
            String version) {
        return new DashboardPublisher(source, tables, zones, clock, settings, version);
    }

    /** Publishes everything enabled once now, then at each interval. */
    public synchronized DashboardPublisher start() {
        if (closed) throw new IllegalStateException("closed");
        if (thread != null) throw new IllegalStateException("already started");
        startedAt = clock.instant();
        // One thread for the guild list and its events, so a leave is never undone by a resync running beside it.
        thread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("valoratbot-dashboard").daemon().factory());
        statusThread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("valoratbot-dashboard-status").daemon().factory());
        snapshotThread = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name("valoratbot-dashboard-snapshots")
                .daemon()
                .factory());
        if (settings.status()) every(statusThread, settings.statusInterval(), this::publishStatus);
        if (settings.guilds()) every(thread, settings.guildsResync(), this::resyncGuilds);
        if (settings.snapshots()) every(snapshotThread, settings.snapshotInterval(), this::publishSnapshots);
        if (settings.leaderboards()) every(thread, settings.leaderboardInterval(), this::publishLeaderboards);
        return this;
    }

    private void every(ScheduledExecutorService on, Duration interval, Runnable job) {
        long millis = interval.toMillis();
        on.scheduleWithFixedDelay(() -> quietly(job), 0, millis, TimeUnit.MILLISECONDS);
    }

    /** Runs one publication; its failures are said as {@link PublicationOutage} decides, never thrown. */
    private void quietly(Runnable job) {
        try {
            job.run();
        } catch (RuntimeException e) {
            outage.failed(e)
                    .ifPresentOrElse(
                            line -> LOG.log(System.Logger.Level.WARNING, line),
                            () -> LOG.log(
                                    System.Logger.Level.DEBUG,
                                    "dashboard publication failed again: " + com.valoratbot.core.text.OneLine.of(e)));
            return;
        }
        outage.worked().ifPresent(line -> LOG.log(System.Logger.Level.INFO, line));
    }

    private synchronized void enqueue(Runnable job) {
        if (thread == null || closed) return;
        thread.execute(() -> quietly(job));
    }

    // ---- Discord events (called on gateway threads: enqueue only) ----------------------------

    /** The bot joined a guild (or it became available): its row is written now. */
    public void guildJoined(GuildListing guild) {
        if (settings.guilds()) enqueue(() -> tables.upsertGuilds(List.of(guild), clock.instant(), Duration.ZERO));
    }

    /** The guild's name or icon changed. */
    public void guildRenamed(GuildListing guild) {
        guildJoined(guild);
    }

    /** The bot left the guild (kicked, banned, or the guild was deleted): its row goes. */
    public void guildLeft(Snowflake guildId) {
        // Nothing more is published for it: forget its week (a map, safe from the gateway thread).
        lastWeeks.remove(guildId);
        if (settings.guilds()) enqueue(() -> tables.removeGuild(guildId));
    }

    /** How many guilds' weeks the publisher remembers (tests: guilds the bot left are dropped). */
    int rememberedWeeks() {
        return lastWeeks.size();
    }

    // ---- the publications (public for tests and the CLI; each also runs on its schedule) ------

    /** Writes a {@code bot_status} row unless another worker just did; nothing while the gateway is down. */
    public boolean publishStatus() {
        Optional<Long> latency = source.gatewayLatencyMillis();
        if (latency.isEmpty()) return false;
        Instant now = clock.instant();
        long uptime = Math.max(0, Duration.between(startedAt, now).toMillis());
        return tables.writeStatus(
                now,
                latency.get(),
                uptime,
                version,
                settings.statusInterval().dividedBy(2),
                settings.statusRetention());
    }

    /** Re-writes every guild this worker holds and removes rows nobody refreshed for a while. */
    public int resyncGuilds() {
        Instant now = clock.instant();
        int written = tables.upsertGuilds(
                source.guilds(), now, settings.guildsResync().dividedBy(2));
        tables.removeGuildsNotSeenSince(now.minus(settings.guildsResync().multipliedBy(STALE_RESYNCS)));
        return written;
    }

    /** A {@code guild_snapshot} row per guild this worker holds. */
    public int publishSnapshots() {
        List<GuildFigures> figures = new ArrayList<>();
        for (GuildListing g : source.guilds()) source.figures(g.guildId()).ifPresent(figures::add);
        return tables.writeSnapshots(
                figures, clock.instant(), settings.snapshotInterval().dividedBy(2), settings.snapshotRetention());
    }

    /**
     * The current week's row of every guild this worker holds, each in its guild's zone. When a guild's week
     * has just changed, the finished week is written one last time first, so its final minutes count.
     */
    public int publishLeaderboards() {
        Instant now = clock.instant();
        Map<Snowflake, DashboardWeek> weeks = new LinkedHashMap<>();
        Map<Snowflake, DashboardWeek> finished = new LinkedHashMap<>();
        for (GuildListing g : source.guilds()) {
            DashboardWeek week = DashboardWeek.at(now, zones.zoneOf(g.guildId()));
            weeks.put(g.guildId(), week);
            DashboardWeek before = lastWeeks.put(g.guildId(), week);
            if (before != null && !before.equals(week)) finished.put(g.guildId(), before);
        }
        // Guilds left while no leave event reached us (e.g. while disconnected) are forgotten here.
        lastWeeks.keySet().retainAll(weeks.keySet());
        int written = finished.isEmpty() ? 0 : tables.publishLeaderboards(finished);
        return weeks.isEmpty() ? written : written + tables.publishLeaderboards(weeks);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (thread == null) return;
        thread.shutdownNow();
        statusThread.shutdownNow();
        snapshotThread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
            statusThread.awaitTermination(10, TimeUnit.SECONDS);
            snapshotThread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

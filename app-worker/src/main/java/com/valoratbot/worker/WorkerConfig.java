package com.valoratbot.worker;

import com.valoratbot.core.config.QueueTiming;
import com.valoratbot.core.run.AnonymousRows;
import com.valoratbot.core.schedule.ScheduleRules;
import com.valoratbot.core.text.Language;
import com.valoratbot.discord.music.MusicPlayers;
import com.valoratbot.discord.music.VoiceMode;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The worker's typed configuration, read once at start-up and validated before anything connects:
 * a bad value stops the worker with a message naming the key, instead of a surprise hours later.
 *
 * @param discordToken empty in sandbox mode; never logged ({@link #toString()} masks it)
 */
public record WorkerConfig(
        Optional<String> discordToken,
        Optional<String> discordRestUrl,
        Optional<String> discordGatewayUrl,
        boolean sandbox,
        int sandboxPort,
        Language language,
        Duration maxAge,
        Duration lease,
        Duration pollInterval,
        int maxInFlight,
        int maxPurgeAmount,
        int guildCommandsPerWindow,
        Duration guildWindow,
        Duration purgeInterval,
        Duration shutdownTimeout,
        ZoneId defaultTimeZone,
        Duration announceGrace,
        VoiceMode voiceMode,
        String musicSearchProvider,
        Duration musicIdleTimeout,
        boolean musicLocalFiles,
        boolean musicPrivateUrls,
        AnonymousRows anonymousRows,
        int maxPendingSchedules,
        Duration scheduleHorizon) {

    /** Every key this worker reads besides the database's (see {@link DatabaseConfig}). */
    public static final Set<String> KEYS = new TreeSet<>(Set.of(
            "DISCORD_TOKEN",
            "DISCORD_REST_URL",
            "DISCORD_GATEWAY_URL",
            "VALORATBOT_SANDBOX",
            "VALORATBOT_SANDBOX_PORT",
            "VALORATBOT_LANGUAGE",
            "VALORATBOT_MAX_AGE",
            "VALORATBOT_LEASE",
            "VALORATBOT_POLL_INTERVAL",
            "VALORATBOT_MAX_IN_FLIGHT",
            "VALORATBOT_MAX_PURGE",
            "VALORATBOT_GUILD_RATE",
            "VALORATBOT_GUILD_RATE_WINDOW",
            "VALORATBOT_PURGE_INTERVAL",
            "VALORATBOT_SHUTDOWN_TIMEOUT",
            "VALORATBOT_TIMEZONE",
            "VALORATBOT_ANNOUNCE_GRACE",
            "VALORATBOT_CONFIG",
            "VALORATBOT_VOICE_MODE",
            "VALORATBOT_MUSIC_SEARCH",
            "VALORATBOT_MUSIC_IDLE",
            "VALORATBOT_MUSIC_LOCAL_FILES",
            "VALORATBOT_MUSIC_PRIVATE_URLS",
            "VALORATBOT_ANONYMOUS_ROWS",
            "VALORATBOT_MAX_PENDING_SCHEDULES",
            "VALORATBOT_SCHEDULE_HORIZON"));

    /** Read by {@link DatabaseConfig} and the launcher script, not by this record. */
    static final Set<String> OTHER_KEYS = Set.of(
            "VALORATBOT_TABLE",
            "VALORATBOT_DATA_DIR",
            "VALORATBOT_DB_POOL_SIZE",
            "VALORATBOT_DB_MIGRATE",
            "VALORATBOT_DB_LISTEN",
            "VALORATBOT_JAVA_OPTS",
            "VALORATBOT_POOLER",
            "VALORATBOT_DB_START_WAIT",
            "VALORATBOT_AOT");
    /** Read by {@link QueueConfig}. */
    static final Set<String> QUEUE_KEYS = QueueConfig.KEYS;

    /** The sandbox's stand-in listens here by default, so its state page has a stable address. */
    public static final int DEFAULT_SANDBOX_PORT = 8099;

    public static WorkerConfig from(Settings s, boolean sandboxFlag) {
        refuseUnknownKeys(s);
        boolean sandbox = sandboxFlag || s.flag("VALORATBOT_SANDBOX", false);
        return new WorkerConfig(
                        s.get("DISCORD_TOKEN"),
                        s.get("DISCORD_REST_URL"),
                        s.get("DISCORD_GATEWAY_URL"),
                        sandbox,
                        s.integer("VALORATBOT_SANDBOX_PORT", DEFAULT_SANDBOX_PORT, 0, 65535),
                        s.get("VALORATBOT_LANGUAGE").map(Language::parse).orElse(Language.FR),
                        // The dashboard stops waiting after 24 s (30 polls x 800 ms): later, a result surprises
                        // everyone.
                        s.duration("VALORATBOT_MAX_AGE", Duration.ofSeconds(24)),
                        s.duration("VALORATBOT_LEASE", Duration.ofSeconds(30)),
                        s.duration("VALORATBOT_POLL_INTERVAL", Duration.ofMillis(500)),
                        s.integer("VALORATBOT_MAX_IN_FLIGHT", 256, 1, 10_000),
                        s.integer("VALORATBOT_MAX_PURGE", 1000, 1, 10_000),
                        s.integer("VALORATBOT_GUILD_RATE", 20, 1, 100_000),
                        s.duration("VALORATBOT_GUILD_RATE_WINDOW", Duration.ofSeconds(10)),
                        s.duration("VALORATBOT_PURGE_INTERVAL", Duration.ofSeconds(5)),
                        s.duration("VALORATBOT_SHUTDOWN_TIMEOUT", Duration.ofSeconds(20)),
                        s.zone("VALORATBOT_TIMEZONE", ZoneId.of("Europe/Paris")),
                        s.duration("VALORATBOT_ANNOUNCE_GRACE", Duration.ofHours(1)),
                        voiceMode(s, sandbox),
                        s.get("VALORATBOT_MUSIC_SEARCH", MusicPlayers.DEFAULT_SEARCH_PROVIDER),
                        s.duration("VALORATBOT_MUSIC_IDLE", MusicPlayers.DEFAULT_IDLE_TIMEOUT),
                        // Playing a path reads this server's files: only for the sandbox unless asked for.
                        s.flag("VALORATBOT_MUSIC_LOCAL_FILES", sandbox),
                        // Fetching loopback or private addresses would let a dashboard user probe internal services.
                        s.flag("VALORATBOT_MUSIC_PRIVATE_URLS", sandbox),
                        // The dashboard's table cannot say who asked: its rows may do all but mass mentions by default.
                        s.get("VALORATBOT_ANONYMOUS_ROWS")
                                .map(AnonymousRows::parse)
                                .orElse(AnonymousRows.DEFAULT),
                        s.integer("VALORATBOT_MAX_PENDING_SCHEDULES", ScheduleRules.DEFAULT_MAX_PENDING, 1, 100_000),
                        s.duration("VALORATBOT_SCHEDULE_HORIZON", ScheduleRules.DEFAULT_HORIZON))
                .validate();
    }

    /**
     * Discord accepts only end-to-end encrypted voice (DAVE) since March 2026; the local stand-in
     * speaks DAVE protocol version 0 only, so the sandbox defaults to passthrough.
     */
    private static VoiceMode voiceMode(Settings s, boolean sandbox) {
        return s.get("VALORATBOT_VOICE_MODE")
                .map(v -> switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
                    case "dave" -> VoiceMode.DAVE;
                    case "passthrough" -> VoiceMode.PASSTHROUGH;
                    default ->
                        throw new IllegalArgumentException(
                                "VALORATBOT_VOICE_MODE must be dave or passthrough, was '" + v + "'");
                })
                .orElse(sandbox ? VoiceMode.PASSTHROUGH : VoiceMode.DAVE);
    }

    /** A misspelt setting would otherwise be ignored in silence and its default used. */
    private static void refuseUnknownKeys(Settings s) {
        var unknown = new TreeSet<String>();
        for (String key : s.asMap().keySet()) {
            if (key.startsWith("VALORATBOT_")
                    && !KEYS.contains(key)
                    && !OTHER_KEYS.contains(key)
                    && !DashboardConfig.KEYS.contains(key)
                    && !QUEUE_KEYS.contains(key)
                    && !ShardConfig.KEYS.contains(key)
                    && !MetricsConfig.KEYS.contains(key)) unknown.add(key);
        }
        if (!unknown.isEmpty()) {
            var known = new TreeSet<>(KEYS);
            known.addAll(OTHER_KEYS);
            known.addAll(DashboardConfig.KEYS);
            known.addAll(QUEUE_KEYS);
            known.addAll(ShardConfig.KEYS);
            known.addAll(MetricsConfig.KEYS);
            throw new IllegalArgumentException(
                    "unknown setting " + String.join(", ", unknown) + "; known settings: " + String.join(", ", known));
        }
    }

    private WorkerConfig validate() {
        if (!sandbox && discordToken.isEmpty()) throw new MissingTokenException();
        if (lease.compareTo(Duration.ofSeconds(3)) < 0)
            throw new IllegalArgumentException("VALORATBOT_LEASE must be at least 3s, was " + lease);
        if (scheduleHorizon.compareTo(ScheduleRules.MAX_HORIZON) > 0
                || scheduleHorizon.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("VALORATBOT_SCHEDULE_HORIZON must be from 1m to "
                    + ScheduleRules.MAX_HORIZON.toDays() + "d, was " + scheduleHorizon);
        }
        return this;
    }

    /** How often the lease is renewed: a third of it, so two missed beats still keep it. */
    public Duration heartbeatInterval() {
        return queueTiming().heartbeat();
    }

    /** The lease, heartbeat and poll interval, given as one value to both the queue and the worker. */
    public QueueTiming queueTiming() {
        return QueueTiming.of(lease, pollInterval);
    }

    @Override
    public String toString() {
        return "WorkerConfig[discordToken=" + discordToken.map(t -> "****").orElse("(none)") + ", sandbox=" + sandbox
                + ", language=" + language + ", maxAge=" + maxAge + ", lease=" + lease + ", pollInterval="
                + pollInterval
                + ", maxInFlight=" + maxInFlight + ", maxPurgeAmount=" + maxPurgeAmount + ", guildRate="
                + guildCommandsPerWindow
                + "/" + guildWindow + ", purgeInterval=" + purgeInterval + ", timeZone=" + defaultTimeZone
                + ", voiceMode=" + voiceMode + ", anonymousRows=" + anonymousRows.wireName()
                + ", maxPendingSchedules=" + maxPendingSchedules + ", scheduleHorizon=" + scheduleHorizon + "]";
    }

    /** Neither a token nor the sandbox: say both ways forward. */
    public static final class MissingTokenException extends IllegalArgumentException {
        MissingTokenException() {
            super(
                    "No Discord token. Either set DISCORD_TOKEN to your bot's token to run against Discord, "
                            + "or run the worker with --sandbox (VALORATBOT_SANDBOX=true) to use the local Discord stand-in and its demo guild.");
        }
    }
}

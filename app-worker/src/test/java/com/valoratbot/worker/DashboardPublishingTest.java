package com.valoratbot.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.activity.ActivityAggregator;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.schedule.GuildTimeZones;
import com.valoratbot.core.publish.DashboardPublisher;
import com.valoratbot.core.publish.PublishSettings;
import com.valoratbot.discord.DiscordGateway;
import com.valoratbot.discord.activity.DiscordActivityTracker;
import com.valoratbot.discord.dashboard.DiscordDashboardSource;
import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.TestDatabase;
import com.valoratbot.supabase.publish.PostgresDashboardTables;
import com.valoratbot.supabase.scheduling.PostgresActivityStore;
import com.valoratbot.testing.Eventually;
import com.valoratbot.testing.TestClock;
import com.valoratbot.testing.TestStandIn;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard's tables from real gateway events: the Discord stand-in, unmodified JDA, the activity tracker and
 * aggregator, and a real PostgreSQL; time is a clock the test moves.
 */
class DashboardPublishingTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final long TOKYO_GUILD = 4_100_000_000_000_000_001L;
    private static final long PARIS_GUILD = 4_200_000_000_000_000_001L;
    private static final long TOKYO_TEXT = 4_100_000_000_000_000_101L;
    private static final long TOKYO_VOICE = 4_100_000_000_000_000_201L;
    private static final long PARIS_TEXT = 4_200_000_000_000_000_101L;
    private static final long PARIS_VOICE = 4_200_000_000_000_000_201L;
    private static final long ALICE = 4_000_000_000_000_000_901L;
    private static final long BOB = 4_000_000_000_000_000_902L;
    private static final long CAROL = 4_000_000_000_000_000_903L;
    private static final long JUKEBOX = 4_000_000_000_000_000_999L;
    private static final Map<Long, ZoneId> ZONES =
            Map.of(TOKYO_GUILD, ZoneId.of("Asia/Tokyo"), PARIS_GUILD, ZoneId.of("Europe/Paris"));

    /** Sunday 29 December 2024, 23:50 in Tokyo (ISO week 52), 15:50 in Paris. */
    private static final Instant SUNDAY_NIGHT_IN_TOKYO = Instant.parse("2024-12-29T14:50:00Z");

    private static final TestClock clock = new TestClock(SUNDAY_NIGHT_IN_TOKYO);

    @RegisterExtension
    static final TestStandIn discordServer = TestStandIn.with(b -> b.botToken("dashboard-token"))
            .seeded(s -> {
                s.createGuild(TOKYO_GUILD, "Tokyo")
                        .textChannel(TOKYO_TEXT, "general")
                        .voiceChannel(TOKYO_VOICE, "Vocal")
                        .member(ALICE, "alice", false)
                        .member(BOB, "bob", false)
                        .member(CAROL, "carol", false)
                        .member(JUKEBOX, "jukebox", true);
                s.createGuild(PARIS_GUILD, "Paris")
                        .textChannel(PARIS_TEXT, "general")
                        .voiceChannel(PARIS_VOICE, "Vocal")
                        .member(ALICE, "alice", false)
                        .member(BOB, "bob", false);
            });

    private static DiscordStandIn standIn;
    private static DiscordGateway discord;
    private static ActivityAggregator aggregator;
    private static DashboardPublisher publisher;
    /**
     * Only the guild list runs on its own (its events need the publisher's thread); the test calls the other
     * publications itself, at the times its clock says, so no scheduled run lands between two assertions.
     */
    private static final PublishSettings SETTINGS = new PublishSettings(
            false,
            Duration.ofSeconds(30),
            Duration.ofMinutes(10),
            true,
            Duration.ofHours(1),
            false,
            Duration.ofHours(1),
            Duration.ofDays(7),
            false,
            Duration.ofHours(1));

    @BeforeAll
    static void start() {
        Database database = db.open();
        standIn = discordServer.standIn();
        discord = DiscordGateway.builder()
                .token(standIn.botToken())
                .restBaseUrl(standIn.restBaseUrl())
                .gatewayUrl(standIn.gatewayUrl())
                .readyTimeout(Duration.ofSeconds(30))
                .build()
                .start();
        GuildTimeZones zones = guild -> ZONES.getOrDefault(guild.value(), ZoneId.of("Europe/Paris"));
        // Flushed by the test only (an hour between automatic flushes), so counts land when the test says.
        aggregator = ActivityAggregator.builder(PostgresActivityStore.create(database.dataSource()), zones, clock)
                .flushInterval(Duration.ofMinutes(10))
                .build();
        DiscordActivityTracker.create(aggregator).attachTo(discord.jda());
        publisher = DashboardPublisher.create(
                DiscordDashboardSource.on(discord::jda),
                PostgresDashboardTables.on(database.dataSource()),
                zones,
                clock,
                SETTINGS,
                "9.9.9-test");
        discord.jda().addEventListener(DiscordDashboardSource.events(publisher));
        publisher.start();
    }

    @AfterAll
    static void stop() {
        if (publisher != null) publisher.close();
        if (discord != null) discord.close();
    }

    @Test
    void botStatusIsFreshWithinItsIntervalAndOldRowsArePruned() {
        clock.advance(Duration.ofMinutes(1));
        assertThat(publisher.publishStatus()).isTrue();
        clock.advance(Duration.ofSeconds(10));
        assertThat(publisher.publishStatus())
                .as("a row 10 s old stands for this interval")
                .isFalse();
        clock.advance(Duration.ofSeconds(25));
        assertThat(publisher.publishStatus()).isTrue();
        // The page's query: the newest row, up if less than 2 minutes old.
        List<Object> newest = db.query(
                        "SELECT created_at, latency_ms, uptime_ms, version FROM public.bot_status ORDER BY created_at DESC LIMIT 1")
                .get(0);
        Instant createdAt = ((java.sql.Timestamp) newest.get(0)).toInstant();
        assertThat(Duration.between(createdAt, clock.instant())).isLessThan(PublishSettings.PAGE_FRESHNESS);
        assertThat(((Number) newest.get(1)).longValue()).isGreaterThanOrEqualTo(0);
        assertThat(((Number) newest.get(2)).longValue())
                .as("uptime")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(95).toMillis());
        assertThat(newest.get(3)).isEqualTo("9.9.9-test");

        clock.advance(Duration.ofMinutes(11));
        assertThat(publisher.publishStatus()).isTrue();
        assertThat(db.count("SELECT count(*) FROM public.bot_status"))
                .as("rows past the 10 min retention are gone")
                .isEqualTo(1);
    }

    @Test
    void botGuildsFollowsJoinsRenamesAndLeaves() {
        Eventually.within(
                Duration.ofSeconds(10),
                "both guilds listed",
                () -> db.count(
                                "SELECT count(*) FROM public.bot_guilds WHERE guild_id IN (?, ?)",
                                id(TOKYO_GUILD),
                                id(PARIS_GUILD))
                        == 2);
        assertThat(db.value("SELECT guild_name FROM public.bot_guilds WHERE guild_id = ?", id(TOKYO_GUILD)))
                .isEqualTo("Tokyo");

        long joined = 4_300_000_000_000_000_001L;
        standIn.state().createGuild(joined, "Nouvelle").member(ALICE, "alice", false);
        Eventually.within(
                Duration.ofSeconds(10),
                "the joined guild listed",
                () -> db.count("SELECT count(*) FROM public.bot_guilds WHERE guild_id = ?", id(joined)) == 1);

        standIn.state().renameGuild(joined, "Renommée");
        Eventually.within(
                Duration.ofSeconds(10),
                "the new name",
                () -> "Renommée"
                        .equals(db.value("SELECT guild_name FROM public.bot_guilds WHERE guild_id = ?", id(joined))));

        standIn.state().removeBotFromGuild(joined);
        Eventually.within(
                Duration.ofSeconds(10),
                "the left guild gone",
                () -> db.count("SELECT count(*) FROM public.bot_guilds WHERE guild_id = ?", id(joined)) == 0);
        assertThat(db.count(
                        "SELECT count(*) FROM public.bot_guilds WHERE guild_id IN (?, ?)",
                        id(TOKYO_GUILD),
                        id(PARIS_GUILD)))
                .isEqualTo(2);
    }

    @Test
    void aSnapshotsFiguresAreTheStandInGuildsMembersOnlineCountAndPeopleInVoice() {
        standIn.state().setApproximatePresences(PARIS_GUILD, 2);
        standIn.state().setVoiceState(PARIS_GUILD, ALICE, PARIS_VOICE, false);
        standIn.state().setVoiceState(PARIS_GUILD, BOB, PARIS_VOICE, true);
        Eventually.within(
                Duration.ofSeconds(10),
                "both in voice",
                () -> discord.jda().getGuildById(PARIS_GUILD).getVoiceStates().stream()
                                .filter(v -> v.inAudioChannel())
                                .count()
                        == 2);
        clock.advance(Duration.ofHours(2));
        assertThat(publisher.publishSnapshots()).isEqualTo(2);
        List<Object> paris = db.query(
                        "SELECT members_total, members_online, voice_in_channels FROM public.guild_snapshot "
                                + "WHERE guild_id = ? ORDER BY created_at DESC LIMIT 1",
                        id(PARIS_GUILD))
                .get(0);
        int members = standIn.state().members(PARIS_GUILD).size();
        long inVoice = standIn.state().voiceStates(PARIS_GUILD).size();
        assertThat(paris).containsExactly(members, 2, (int) inVoice);
        assertThat(members).isEqualTo(3); // the bot, Alice and Bob
    }

    @Test
    void theWeeklyRowsKeyAndCountsFollowGatewayEventsAcrossAWeekBoundaryInEachGuildsZone() {
        clock.set(SUNDAY_NIGHT_IN_TOKYO);
        // Sunday 23:50 in Tokyo: two messages from Alice, then Alice and Bob talk in voice across midnight.
        standIn.state().addMessage(TOKYO_TEXT, ALICE, "bonsoir", clock.instant(), false);
        standIn.state().addMessage(TOKYO_TEXT, ALICE, "encore", clock.instant(), false);
        standIn.state().addMessage(TOKYO_TEXT, JUKEBOX, "bot", clock.instant(), false);
        awaitStored(TOKYO_GUILD, "messages", 2);
        clock.advance(Duration.ofMinutes(5)); // 23:55
        standIn.state().setVoiceState(TOKYO_GUILD, ALICE, TOKYO_VOICE, false);
        standIn.state().setVoiceState(TOKYO_GUILD, BOB, TOKYO_VOICE, false);
        Eventually.within(
                Duration.ofSeconds(10),
                "Alice and Bob counting",
                () -> aggregator.countingInVoice(Snowflake.of(TOKYO_GUILD)).size() == 2);
        publisher.publishLeaderboards();
        assertThat(row(TOKYO_GUILD, "2024-W52")).containsExactly(json(ALICE, 2), "{}");

        // Monday 00:05 in Tokyo (ISO week 1 of 2025, calendar year 2024: the page's key is "2024-W01");
        // still Sunday afternoon in Paris.
        clock.advance(Duration.ofMinutes(10));
        standIn.state().addMessage(TOKYO_TEXT, ALICE, "lundi", clock.instant(), false);
        standIn.state().addMessage(PARIS_TEXT, BOB, "dimanche", clock.instant(), false);
        awaitStored(TOKYO_GUILD, "messages", 3);
        awaitStored(PARIS_GUILD, "messages", 1);
        aggregator.flush(); // voice up to now: 5 min on Sunday, 5 on Monday
        publisher.publishLeaderboards();

        assertThat(row(TOKYO_GUILD, "2024-W52"))
                .as("the finished week, written one last time and kept")
                .containsExactly(json(ALICE, 2), "{\"" + ALICE + "\": 300, \"" + BOB + "\": 300}");
        assertThat(row(TOKYO_GUILD, "2024-W01"))
                .containsExactly(json(ALICE, 1), "{\"" + ALICE + "\": 300, \"" + BOB + "\": 300}");
        assertThat(row(PARIS_GUILD, "2024-W52")).containsExactly(json(BOB, 1), "{}");
        assertThat(db.count(
                        "SELECT count(*) FROM public.leaderboards WHERE guild_id = ? AND week = '2024-W01'",
                        id(PARIS_GUILD)))
                .isZero();
    }

    private static void awaitStored(long guild, String column, long total) {
        Eventually.within(Duration.ofSeconds(10), total + " " + column + " stored for " + guild, () -> {
            aggregator.flush();
            return db.count(
                            "SELECT coalesce(sum(" + column + "), 0) FROM valoratbot.activity_daily WHERE guild_id = ?",
                            guild)
                    == total;
        });
    }

    private static List<Object> row(long guild, String week) {
        List<List<Object>> rows = db.query(
                "SELECT msgs::text, voice::text FROM public.leaderboards WHERE guild_id = ? AND week = ?",
                id(guild),
                week);
        assertThat(rows).as("the row of " + guild + " for " + week).hasSize(1);
        return rows.get(0);
    }

    private static String json(long user, long n) {
        return "{\"" + user + "\": " + n + "}";
    }

    private static String id(long guild) {
        return Long.toString(guild);
    }
}

package com.valoratbot.core.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.publish.DashboardSource;
import com.valoratbot.core.port.publish.DashboardTables;
import com.valoratbot.core.port.schedule.GuildTimeZones;
import com.valoratbot.testing.TestClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The publisher's rules with an in-memory record of what it asked the tables to do. */
class DashboardPublisherTest {

    private static final Snowflake GUILD = Snowflake.of(1_000_000_000_000_000_001L);
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile Optional<Long> latency = Optional.of(42L);

    private final DashboardSource source = new DashboardSource() {
        @Override
        public Optional<Long> gatewayLatencyMillis() {
            return latency;
        }

        @Override
        public List<GuildListing> guilds() {
            return List.of(new GuildListing(GUILD, "G", Optional.empty(), 3));
        }

        @Override
        public Optional<GuildFigures> figures(Snowflake id) {
            return Optional.of(new GuildFigures(id, 3, 1, 0));
        }
    };

    private final DashboardTables tables = new DashboardTables() {
        @Override
        public boolean writeStatus(Instant now, long l, long u, String v, Duration s, Duration r) {
            calls.add("status " + l);
            return true;
        }

        @Override
        public int upsertGuilds(Collection<GuildListing> g, Instant now, Duration s) {
            calls.add("guilds " + g.size() + " " + s);
            return g.size();
        }

        @Override
        public void removeGuild(Snowflake id) {
            calls.add("remove " + id.value());
        }

        @Override
        public int removeGuildsNotSeenSince(Instant before) {
            calls.add("stale");
            return 0;
        }

        @Override
        public int writeSnapshots(Collection<GuildFigures> f, Instant now, Duration s, Duration r) {
            calls.add("snapshots");
            return f.size();
        }

        @Override
        public int publishLeaderboards(Map<Snowflake, DashboardWeek> w) {
            w.values().forEach(week -> calls.add("week " + week.key()));
            return w.size();
        }
    };

    private static PublishSettings only(boolean status, boolean guilds, boolean snapshots, boolean leaderboards) {
        PublishSettings d = PublishSettings.defaults();
        return new PublishSettings(
                status,
                d.statusInterval(),
                d.statusRetention(),
                guilds,
                d.guildsResync(),
                snapshots,
                d.snapshotInterval(),
                d.snapshotRetention(),
                leaderboards,
                d.leaderboardInterval());
    }

    private static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    @Test
    void aSwitchedOffPublicationIsNeverWrittenNorAreItsEvents() throws Exception {
        try (DashboardPublisher p = DashboardPublisher.create(
                        source,
                        tables,
                        GuildTimeZones.fixed(ZoneId.of("UTC")),
                        at("2026-03-04T10:00:00Z"),
                        only(true, false, false, false),
                        "v")
                .start()) {
            p.guildJoined(new GuildListing(GUILD, "G", Optional.empty(), 3));
            p.guildLeft(GUILD);
            Thread.sleep(300);
        }
        assertThat(calls).containsExactly("status 42");
    }

    @Test
    void noStatusRowIsWrittenWhileTheGatewayIsDown() {
        latency = Optional.empty();
        DashboardPublisher p = DashboardPublisher.create(
                source,
                tables,
                GuildTimeZones.fixed(ZoneId.of("UTC")),
                at("2026-03-04T10:00:00Z"),
                PublishSettings.defaults(),
                "v");
        assertThat(p.publishStatus()).isFalse();
        assertThat(calls).isEmpty();
    }

    @Test
    void joinsAndLeavesAreWrittenAtOnceOnThePublishersThread() throws Exception {
        try (DashboardPublisher p = DashboardPublisher.create(
                        source,
                        tables,
                        GuildTimeZones.fixed(ZoneId.of("UTC")),
                        at("2026-03-04T10:00:00Z"),
                        only(false, true, false, false),
                        "v")
                .start()) {
            p.guildJoined(new GuildListing(Snowflake.of(7), "New", Optional.empty(), 1));
            p.guildLeft(Snowflake.of(7));
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!calls.contains("remove 7") && System.nanoTime() < until) Thread.sleep(10);
        }
        // The resync at start (spacing: half the resync), then the join written regardless of spacing, then the leave.
        assertThat(calls).containsSubsequence("guilds 1 PT2M30S", "guilds 1 PT0S", "remove 7");
    }

    @Test
    void whenAGuildsWeekTurnsTheFinishedWeekIsWrittenOnceMoreBeforeTheNewOne() {
        TestClock clock = TestClock.at("2026-03-08T22:59:00Z"); // Sunday 23:59 in Paris
        DashboardPublisher p = DashboardPublisher.create(
                source,
                tables,
                GuildTimeZones.fixed(ZoneId.of("Europe/Paris")),
                clock,
                PublishSettings.defaults(),
                "v");
        p.publishLeaderboards();
        clock.set(Instant.parse("2026-03-08T23:00:30Z")); // Monday 00:00:30 in Paris
        p.publishLeaderboards();
        p.publishLeaderboards();
        assertThat(calls).containsExactly("week 2026-W10", "week 2026-W10", "week 2026-W11", "week 2026-W11");
    }

    @Test
    void aSnapshotRoundWaitingOnDiscordHoldsUpNeitherJoinsNorLeaves() throws Exception {
        CountDownLatch asking = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        DashboardSource slow = new DashboardSource() {
            @Override
            public Optional<Long> gatewayLatencyMillis() {
                return latency;
            }

            @Override
            public List<GuildListing> guilds() {
                return source.guilds();
            }

            @Override
            public Optional<GuildFigures> figures(Snowflake id) {
                asking.countDown();
                try {
                    answer.await(30, TimeUnit.SECONDS); // a slow REST answer
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return source.figures(id);
            }
        };
        try (DashboardPublisher p = DashboardPublisher.create(
                        slow,
                        tables,
                        GuildTimeZones.fixed(ZoneId.of("UTC")),
                        at("2026-03-04T10:00:00Z"),
                        only(false, true, true, false),
                        "v")
                .start()) {
            assertThat(asking.await(5, TimeUnit.SECONDS)).isTrue();
            p.guildJoined(new GuildListing(Snowflake.of(7), "New", Optional.empty(), 1));
            p.guildLeft(Snowflake.of(7));
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!calls.contains("remove 7") && System.nanoTime() < until) Thread.sleep(10);
            assertThat(calls).containsSubsequence("guilds 1 PT0S", "remove 7").doesNotContain("snapshots");
            answer.countDown();
        }
    }

    @Test
    void aGuildTheBotLeftIsNoLongerRememberedForItsWeek() {
        List<GuildListing> held = new CopyOnWriteArrayList<>(List.of(
                new GuildListing(GUILD, "G", Optional.empty(), 3),
                new GuildListing(Snowflake.of(7), "H", Optional.empty(), 1)));
        DashboardSource changing = new DashboardSource() {
            @Override
            public Optional<Long> gatewayLatencyMillis() {
                return latency;
            }

            @Override
            public List<GuildListing> guilds() {
                return List.copyOf(held);
            }

            @Override
            public Optional<GuildFigures> figures(Snowflake id) {
                return Optional.empty();
            }
        };
        DashboardPublisher p = DashboardPublisher.create(
                changing,
                tables,
                GuildTimeZones.fixed(ZoneId.of("UTC")),
                at("2026-03-04T10:00:00Z"),
                PublishSettings.defaults(),
                "v");
        p.publishLeaderboards();
        assertThat(p.rememberedWeeks()).isEqualTo(2);

        held.removeIf(g -> g.guildId().equals(GUILD));
        p.guildLeft(GUILD);
        assertThat(p.rememberedWeeks()).isEqualTo(1);

        // Left while no event reached the worker (disconnected): forgotten at the next round.
        held.clear();
        p.publishLeaderboards();
        assertThat(p.rememberedWeeks()).isZero();
    }
}

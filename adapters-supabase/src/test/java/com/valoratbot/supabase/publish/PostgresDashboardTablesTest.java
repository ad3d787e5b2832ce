package com.valoratbot.supabase.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.valoratbot.core.activity.ActivityBatch;
import com.valoratbot.core.activity.ActivityBatch.DailyActivity;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.publish.DashboardWeek;
import com.valoratbot.core.publish.GuildFigures;
import com.valoratbot.core.publish.GuildListing;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.DatabaseSettings;
import com.valoratbot.supabase.TestDatabase;
import com.valoratbot.supabase.scheduling.PostgresActivityStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The dashboard's tables on a real PostgreSQL with Supabase's roles. */
class PostgresDashboardTablesTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final Instant T0 = Instant.parse("2026-03-04T12:00:00Z");
    private static Database database;
    private static PostgresDashboardTables tables;

    @BeforeAll
    static void migrate() {
        SupabaseRoles.install(db);
        database = db.open();
        tables = PostgresDashboardTables.on(database.dataSource());
    }

    private static void asRole(String role, String sql) throws SQLException {
        try (Connection c = db.connect()) {
            c.createStatement().execute("SET ROLE " + role);
            c.createStatement().execute(sql);
        }
    }

    @Test
    void tablesTheWorkerCreatesAreReadableButNeverWritableWithThePublicKey() throws SQLException {
        for (String table : List.of("bot_status", "bot_guilds", "guild_snapshot", "leaderboards", "music_playback")) {
            for (String role : List.of("anon", "authenticated")) {
                asRole(role, "SELECT * FROM public." + table);
                assertThatThrownBy(() -> asRole(role, "DELETE FROM public." + table))
                        .hasMessageContaining("permission denied");
                assertThatThrownBy(() -> asRole(role, "UPDATE public." + table + " SET guild_id = guild_id"))
                        .satisfiesAnyOf(
                                e -> assertThat(e).hasMessageContaining("permission denied"),
                                e -> assertThat(e).hasMessageContaining("column \"guild_id\" does not exist"));
            }
            assertThat(db.value("SELECT relrowsecurity FROM pg_class WHERE oid = ?::regclass", "public." + table))
                    .isEqualTo(true);
        }
        assertThatThrownBy(() -> asRole("anon", "INSERT INTO public.bot_status (latency_ms) VALUES (1)"))
                .hasMessageContaining("permission denied");
        assertThatThrownBy(() ->
                        asRole("anon", "INSERT INTO public.leaderboards (guild_id, week) VALUES ('1', '2026-W01')"))
                .hasMessageContaining("permission denied");
        // And what the worker wrote, anon reads (the read-only policy lets rows through row-level security).
        tables.writeStatus(Instant.now(), 42, 1000, "test", Duration.ZERO, Duration.ofHours(1));
        try (Connection c = db.connect()) {
            c.createStatement().execute("SET ROLE anon");
            var rs = c.createStatement().executeQuery("SELECT count(*) FROM public.bot_status WHERE latency_ms = 42");
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1);
        }
    }

    @Test
    void tablesTheDashboardAlreadyMadeKeepTheirColumnsGrantsAndRowsAndOnlyTheReadColumnsAreWritten() throws Exception {
        DatabaseSettings.Builder settings = db.newDatabase();
        String url = settings.build().jdbcUrl().orElseThrow();
        try (Connection c = DriverManager.getConnection(url, "postgres", null)) {
            c.createStatement().execute("""
                    CREATE TABLE public.bot_status (id bigserial PRIMARY KEY, created_at timestamptz DEFAULT now(),
                        latency_ms int, uptime_ms bigint, version text, shard_id int DEFAULT 7);
                    CREATE TABLE public.leaderboards (id bigserial PRIMARY KEY, guild_id text NOT NULL, week text NOT NULL,
                        msgs jsonb, voice jsonb, note text DEFAULT 'theirs');
                    INSERT INTO public.leaderboards (guild_id, week, msgs, voice) VALUES ('5', '2020-W01', '{"1": 3}', '{}');
                    """);
        }
        Database theirs = db.closeAfterAll(Database.open(settings.build()));
        PostgresDashboardTables onTheirs = PostgresDashboardTables.on(theirs.dataSource());
        onTheirs.writeStatus(T0, 12, 3400, "1.2.3", Duration.ofSeconds(15), Duration.ofHours(1));
        onTheirs.publishLeaderboards(Map.of(Snowflake.of(5), DashboardWeek.containing(LocalDate.of(2026, 3, 4))));

        try (Connection c = DriverManager.getConnection(url, "postgres", null)) {
            var rs = c.createStatement()
                    .executeQuery("SELECT latency_ms, uptime_ms, version, shard_id FROM public.bot_status");
            assertThat(rs.next()).isTrue();
            assertThat(List.of(rs.getInt(1), rs.getLong(2), rs.getString(3), rs.getInt(4)))
                    .containsExactly(12, 3400L, "1.2.3", 7);
            rs = c.createStatement()
                    .executeQuery("SELECT week, note, msgs::text FROM public.leaderboards ORDER BY week");
            rs.next();
            assertThat(List.of(rs.getString(1), rs.getString(2), rs.getString(3)))
                    .containsExactly("2020-W01", "theirs", "{\"1\": 3}");
            rs.next();
            assertThat(List.of(rs.getString(1), rs.getString(2), rs.getString(3)))
                    .containsExactly("2026-W10", "theirs", "{}");
            // Their tables: row-level security left as they set it, no policy of ours.
            rs = c.createStatement()
                    .executeQuery("SELECT bool_or(relrowsecurity) FROM pg_class WHERE oid IN "
                            + "('public.bot_status'::regclass, 'public.leaderboards'::regclass)");
            rs.next();
            assertThat(rs.getBoolean(1)).isFalse();
            rs = c.createStatement()
                    .executeQuery("SELECT count(*) FROM pg_policies WHERE tablename IN ('bot_status', 'leaderboards')");
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    void aStatusRowIsSkippedWhileAnotherWorkersRowIsFreshAndRowsPastTheRetentionArePruned() {
        db.execute("TRUNCATE public.bot_status");
        Duration spacing = Duration.ofSeconds(15);
        Duration retention = Duration.ofMinutes(10);
        assertThat(tables.writeStatus(T0, 40, 1_000, "v", spacing, retention)).isTrue();
        // Another worker 5 s later: the first row stands for it.
        assertThat(tables.writeStatus(T0.plusSeconds(5), 41, 6_000, "v", spacing, retention))
                .isFalse();
        assertThat(tables.writeStatus(T0.plusSeconds(30), 42, 31_000, "v", spacing, retention))
                .isTrue();
        assertThat(db.count("SELECT count(*) FROM public.bot_status")).isEqualTo(2);
        // Eleven minutes on, the first two are past the retention.
        assertThat(tables.writeStatus(T0.plus(Duration.ofMinutes(11)), 43, 0, "v", spacing, retention))
                .isTrue();
        assertThat(db.query("SELECT latency_ms FROM public.bot_status ORDER BY created_at").stream()
                        .map(r -> r.get(0))
                        .toList())
                .containsExactly(43);
    }

    @Test
    void aSnapshotIsWrittenOncePerGuildAndIntervalAndOldOnesGo() {
        db.execute("TRUNCATE public.guild_snapshot");
        Duration spacing = Duration.ofMinutes(2);
        Duration retention = Duration.ofDays(7);
        GuildFigures a = new GuildFigures(Snowflake.of(11), 120, 30, 4);
        GuildFigures b = new GuildFigures(Snowflake.of(12), 8, -1, 0);
        assertThat(tables.writeSnapshots(List.of(a, b), T0.minus(Duration.ofDays(8)), spacing, retention))
                .isEqualTo(2);
        assertThat(tables.writeSnapshots(List.of(a, b), T0, spacing, retention)).isEqualTo(2);
        assertThat(tables.writeSnapshots(List.of(a), T0.plusSeconds(60), spacing, retention))
                .isZero();
        assertThat(
                        db.query(
                                "SELECT guild_id, members_total, members_online, voice_in_channels FROM public.guild_snapshot ORDER BY guild_id"))
                .containsExactly(List.of("11", 120, 30, 4), java.util.Arrays.asList("12", 8, null, 0));
    }

    @Test
    void guildRowsFollowJoinsRenamesAndLeavesAndRowsNoWorkerSeesGo() {
        db.execute("TRUNCATE public.bot_guilds");
        GuildListing one = new GuildListing(Snowflake.of(21), "Un", Optional.of("https://cdn/icon.png"), 10);
        GuildListing two = new GuildListing(Snowflake.of(22), "Deux", Optional.empty(), 3);
        Duration spacing = Duration.ofMinutes(2);
        assertThat(tables.upsertGuilds(List.of(one, two), T0, spacing)).isEqualTo(2);
        // The same listing a minute later, from another worker: nothing to write.
        assertThat(tables.upsertGuilds(List.of(one, two), T0.plusSeconds(60), spacing))
                .isZero();
        // A rename is written at once.
        assertThat(tables.upsertGuilds(
                        List.of(new GuildListing(Snowflake.of(21), "Uno", one.icon(), 10)),
                        T0.plusSeconds(61),
                        spacing))
                .isEqualTo(1);
        assertThat(db.value("SELECT guild_name FROM public.bot_guilds WHERE guild_id = '21'"))
                .isEqualTo("Uno");
        tables.removeGuild(Snowflake.of(22));
        assertThat(db.count("SELECT count(*) FROM public.bot_guilds WHERE guild_id = '22'"))
                .isZero();
        // A guild left while every worker was down: nobody refreshes it, so it goes.
        tables.upsertGuilds(List.of(two), T0.minus(Duration.ofHours(1)), spacing);
        assertThat(tables.removeGuildsNotSeenSince(T0.minus(Duration.ofMinutes(15))))
                .isEqualTo(1);
        assertThat(db.query("SELECT guild_id FROM public.bot_guilds").stream()
                        .map(r -> r.get(0))
                        .toList())
                .containsExactly("21");
    }

    @Test
    void aWeeksRowSumsTheStoredActivityOfItsMondayToSundayOnlyAndIsNotRewrittenWhenUnchanged() {
        long guild = 31;
        PostgresActivityStore.create(database.dataSource())
                .store(new ActivityBatch(
                        List.of(
                                new DailyActivity(
                                        guild, 901, LocalDate.of(2026, 3, 1), 100, 0), // Sunday: the week before
                                new DailyActivity(guild, 901, LocalDate.of(2026, 3, 2), 3, 60), // Monday
                                new DailyActivity(guild, 901, LocalDate.of(2026, 3, 8), 2, 0), // Sunday
                                new DailyActivity(guild, 902, LocalDate.of(2026, 3, 5), 0, 125),
                                new DailyActivity(guild, 903, LocalDate.of(2026, 3, 9), 7, 0)), // Monday after
                        List.of()));
        DashboardWeek week = DashboardWeek.containing(LocalDate.of(2026, 3, 4));
        assertThat(tables.publishLeaderboards(Map.of(Snowflake.of(guild), week)))
                .isEqualTo(1);
        assertThat(
                        db.query(
                                "SELECT msgs::text, voice::text FROM public.leaderboards WHERE guild_id = '31' AND week = '2026-W10'"))
                .containsExactly(List.of("{\"901\": 5}", "{\"901\": 60, \"902\": 125}"));
        assertThat(tables.publishLeaderboards(Map.of(Snowflake.of(guild), week)))
                .isZero();
        // A guild with no activity still gets its row, so the page's .single() finds one.
        assertThat(tables.publishLeaderboards(Map.of(Snowflake.of(32), week))).isEqualTo(1);
        assertThat(db.query("SELECT msgs::text, voice::text FROM public.leaderboards WHERE guild_id = '32'"))
                .containsExactly(List.of("{}", "{}"));
    }
}

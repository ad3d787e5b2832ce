package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.schedule.GuildPresence;
import com.valoratbot.core.run.CommandHandler;
import com.valoratbot.testing.Eventually;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 9's flood: rows for guilds the worker's gateway certainly does not hold are answered by the
 * claim itself, in bulk, from the list the worker keeps in {@code valoratbot.gateway_guilds}: never
 * claimed, no slot, no completion. Only rows created before the worker's last look at its gateway are
 * answered so; anything else, or anything while the gateway is unsure, takes the usual path.
 */
class AbsentGuildsAnsweredInTheClaimTest {

    @RegisterExtension
    static final TestDatabase db = TestDatabase.migrated()
            .emptiedBeforeEach("commands", "valoratbot.command_runs", "valoratbot.claims", "valoratbot.workers");

    static final String REAL = "111111111111111111";
    static final String JOINED = "111111111111111112";

    /** A gateway whose guilds a test sets; unsure (no list) when {@code sure} is false. */
    static final class Gateway implements GuildPresence {
        final Set<Snowflake> guilds = ConcurrentHashMap.newKeySet();
        volatile boolean sure = true;

        Gateway(String... ids) {
            for (String id : ids) guilds.add(Snowflake.parse(id).orElseThrow());
        }

        @Override
        public boolean holds(Snowflake guildId) {
            return guilds.contains(guildId);
        }

        @Override
        public boolean certainlyAbsent(Snowflake guildId) {
            return sure && !guilds.contains(guildId);
        }

        @Override
        public Optional<Set<Snowflake>> heldGuilds() {
            return sure ? Optional.of(Set.copyOf(guilds)) : Optional.empty();
        }
    }

    static RunningWorker start(RecordingDiscord discord, Gateway gateway) {
        CommandHandler handler = CommandHandler.builder(discord.ports())
                .maxAge(Duration.ofMinutes(10))
                .presence(gateway)
                .build();
        return RunningWorker.start(
                db.database(), handler, q -> q.answerAbsentGuilds(gateway, handler.guildNotFoundResult()), w -> w);
    }

    static void insertJunk(int n) {
        db.execute("""
                INSERT INTO commands (guild_id, action, payload, created_at)
                SELECT (900000000000000000 + g)::text, 'listTextChannels', '{}'::jsonb, clock_timestamp()
                FROM generate_series(1, ?) g""", n);
    }

    static void allFinished() {
        Eventually.within(
                Duration.ofSeconds(60),
                "every row finished",
                () -> db.count("SELECT count(*) FROM commands WHERE status IN ('pending', 'processing')") == 0);
    }

    @Test
    void rowsForGuildsOutsideTheGatewaysListAreAnsweredGuildNotFoundWithoutEverBeingClaimed() {
        RecordingDiscord discord = new RecordingDiscord();
        insertJunk(600);
        String real = CommandAdmin.on(db.database()).enqueue(REAL, "listTextChannels", "{}", null);

        try (RunningWorker w = start(discord, new Gateway(REAL))) {
            allFinished();
        }

        assertThat(db.count("""
                        SELECT count(*) FROM commands WHERE guild_id >= '9' AND status = 'error'
                          AND result->>'code' = 'guild_not_found' AND result->>'ok' = 'false' AND result->>'reason' <> ''""")).isEqualTo(600);
        // Never claimed: no attempt remembered, no claim row, never handed to the handler.
        assertThat(db.count("SELECT count(*) FROM valoratbot.command_runs")).isEqualTo(1);
        assertThat(db.value("SELECT command_id FROM valoratbot.command_runs")).isEqualTo(real);
        assertThat(discord.executions().keySet()).containsExactly(real);
        assertThat(db.value("SELECT status::text FROM commands WHERE id = ?::uuid", real))
                .isEqualTo("done");
    }

    @Test
    void aGuildTheBotJoinedAfterTheLastLookIsNeverRefused() {
        RecordingDiscord discord = new RecordingDiscord();
        Gateway gateway = new Gateway(REAL);
        try (RunningWorker w = start(discord, gateway)) {
            String first = CommandAdmin.on(db.database()).enqueue(REAL, "listTextChannels", "{}", null);
            Eventually.within(Duration.ofSeconds(20), "the first command", () -> discord.executionsOf(first) == 1);
            assertThat(db.count("SELECT count(*) FROM valoratbot.gateway_guilds WHERE guild_id = ?", REAL))
                    .isEqualTo(1);

            gateway.guilds.add(Snowflake.parse(JOINED).orElseThrow());
            String joined = CommandAdmin.on(db.database()).enqueue(JOINED, "listTextChannels", "{}", null);
            allFinished();

            assertThat(db.value("SELECT status::text FROM commands WHERE id = ?::uuid", joined))
                    .isEqualTo("done");
            assertThat(discord.executionsOf(joined)).isEqualTo(1);
        }
    }

    @Test
    void whileTheGatewayIsUnsureNothingIsAnsweredInTheClaim() {
        RecordingDiscord discord = new RecordingDiscord();
        Gateway gateway = new Gateway(REAL);
        gateway.sure = false;
        insertJunk(5);

        try (RunningWorker w = start(discord, gateway)) {
            allFinished();
        }

        // Unsure means run: the handler got every row, as before the list existed.
        assertThat(discord.executions()).hasSize(5);
        assertThat(db.count("SELECT count(*) FROM valoratbot.command_runs")).isEqualTo(5);
        assertThat(db.count("SELECT count(*) FROM valoratbot.gateway_lists")).isZero();
    }

    @Test
    void aListRemovedBehindTheWorkersBackIsWrittenAgainInFull() {
        RecordingDiscord discord = new RecordingDiscord();
        Gateway gateway = new Gateway(REAL, JOINED);
        try (RunningWorker w = start(discord, gateway)) {
            String first = CommandAdmin.on(db.database()).enqueue(REAL, "listTextChannels", "{}", null);
            Eventually.within(Duration.ofSeconds(20), "the first command", () -> discord.executionsOf(first) == 1);
            db.execute("DELETE FROM valoratbot.gateway_lists");
            // The next claim finds no header and tells the worker; a later one writes the list again.
            CommandAdmin.on(db.database()).enqueue(REAL, "listTextChannels", "{}", null);

            Eventually.within(
                    Duration.ofSeconds(20),
                    "the list written again",
                    () -> db.count("SELECT count(*) FROM valoratbot.gateway_guilds") == 2);
            // Created before the list's "listed at": the claim answers them from the list written again.
            db.execute("""
                    INSERT INTO commands (guild_id, action, payload, created_at)
                    SELECT (900000000000000000 + g)::text, 'listTextChannels', '{}'::jsonb,
                           (SELECT listed_at FROM valoratbot.gateway_lists) - interval '1 ms'
                    FROM generate_series(1, 50) g""");
            allFinished();
        }

        assertThat(db.count(
                        "SELECT count(*) FROM commands WHERE guild_id >= '9' AND result->>'code' = 'guild_not_found'"))
                .isEqualTo(50);
        assertThat(db.count(
                        "SELECT count(*) FROM valoratbot.command_runs r JOIN commands c ON c.id::text = r.command_id"
                                + " WHERE c.guild_id >= '9'"))
                .isZero();
    }

    @Test
    void aFloodLargerThanOneClaimRoundIsAnsweredRoundAfterRoundWithoutOneClaim() {
        RecordingDiscord discord = new RecordingDiscord();
        insertJunk(3_000);
        String real = CommandAdmin.on(db.database()).enqueue(REAL, "listTextChannels", "{}", null);

        try (RunningWorker w = start(discord, new Gateway(REAL))) {
            allFinished();
        }

        List<List<Object>> junkRuns =
                db.query("SELECT count(*) FROM valoratbot.command_runs WHERE command_id <> ?", real);
        assertThat(((Number) junkRuns.get(0).get(0)).longValue()).isZero();
        assertThat(discord.executionsOf(real)).isEqualTo(1);
    }

    @Test
    void aWorkerThatOwnsShardsNeverJudgesAnotherShardsGuildsAbsent() {
        RecordingDiscord discord = new RecordingDiscord();
        Gateway gateway = new Gateway(REAL); // REAL is on shard 1 of 2
        // 3,000 unknown guilds, one in two on each shard (shard = (id >> 22) % 2): a flood on this
        // worker's shard, and rows of the other shard that only that shard's owner may judge.
        db.execute("""
                INSERT INTO commands (guild_id, action, payload, created_at)
                SELECT (900000000000000000 + g::bigint * 4194304)::text, 'listTextChannels', '{}'::jsonb, clock_timestamp()
                FROM generate_series(1, 3000) g""");
        String real = CommandAdmin.on(db.database()).enqueue(REAL, "listTextChannels", "{}", null);
        CommandHandler handler = CommandHandler.builder(discord.ports())
                .maxAge(Duration.ofMinutes(10))
                .presence(gateway)
                .build();

        try (RunningWorker w = RunningWorker.start(
                db.database(),
                handler,
                q -> q.shards(2, List.of(1)).answerAbsentGuilds(gateway, handler.guildNotFoundResult()),
                x -> x)) {
            Eventually.within(Duration.ofSeconds(60), "shard 1's rows finished", () -> db.count("""
                            SELECT count(*) FROM commands WHERE status IN ('pending', 'processing')
                              AND ((guild_id::bigint >> 22) % 2) = 1""") == 0);
        }

        assertThat(discord.executionsOf(real)).isEqualTo(1);
        assertThat(db.count("""
                        SELECT count(*) FROM commands WHERE result->>'code' = 'guild_not_found'
                          AND ((guild_id::bigint >> 22) % 2) = 1""")).isEqualTo(1500);
        assertThat(db.count("""
                        SELECT count(*) FROM commands WHERE status = 'pending'
                          AND ((guild_id::bigint >> 22) % 2) = 0""")).isEqualTo(1500);
    }
}

package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.port.CompleteCommands.Completion;
import com.valoratbot.core.port.MarkStarted;
import com.valoratbot.core.port.QueuedCommand;
import com.valoratbot.testing.Eventually;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several commands of a guild per claim (issue 12's drain at 200 guilds): the claim takes a free
 * guild's first commands in its order, never one past a command it could not take, the guild stays
 * parked until the last of them ends, and the worker runs them one after another in that order.
 */
class SeveralCommandsPerGuildTest {

    @RegisterExtension
    static final TestDatabase db = TestDatabase.migrated(s -> s.poolSize(8))
            .emptiedBeforeEach("commands", "valoratbot.claims", "valoratbot.queue_guilds", "valoratbot.command_runs");

    static final String CHANNEL = "222222222222222222";

    static List<String> insert(String guild, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) ids.add(insert(guild, "listTextChannels", "{}"));
        return ids;
    }

    static String insert(String guild, String action, String payload) {
        return (String) db.value(
                "INSERT INTO commands (guild_id, action, payload, created_at) VALUES (?, ?, ?::jsonb, clock_timestamp()) RETURNING id::text",
                guild,
                action,
                payload);
    }

    static List<String> idsOf(List<QueuedCommand> claimed, String guild) {
        return claimed.stream()
                .filter(q -> q.guildId().equals(guild))
                .map(QueuedCommand::id)
                .toList();
    }

    static List<Completion> done(List<String> ids) {
        return ids.stream().map(id -> new Completion(id, true, "{\"ok\":true}")).toList();
    }

    PostgresQueue queue(String worker, int perGuild) {
        return PostgresQueue.builder(db.database())
                .workerId(worker)
                .commandsPerGuild(perGuild)
                .listen(false)
                .build();
    }

    @Test
    void aClaimTakesEachGuildsFirstCommandsInOrderAndTheGuildStaysParkedUntilTheLastOfThemEnds() {
        List<String> a = insert("1001", 5);
        List<String> b = insert("1002", 2);
        try (PostgresQueue queue = queue("w1", 3)) {
            List<QueuedCommand> claimed = queue.claims().claim(10);

            assertThat(idsOf(claimed, "1001")).containsExactly(a.get(0), a.get(1), a.get(2));
            assertThat(idsOf(claimed, "1002")).containsExactlyElementsOf(b);
            assertThat(db.count("SELECT count(*) FROM commands WHERE status = 'processing'"))
                    .isEqualTo(5);
            assertThat(queue.claims().claim(10)).isEmpty();

            // The first two end; the third is still in flight: nothing of the guild may be claimed.
            queue.completions().complete(done(a.subList(0, 2)));
            assertThat(queue.claims().claim(10)).isEmpty();
            assertThat(db.value("SELECT ready_at::text FROM valoratbot.queue_guilds WHERE guild_id = '1001'"))
                    .isEqualTo("infinity");

            queue.completions().complete(done(List.of(a.get(2))));
            assertThat(idsOf(queue.claims().claim(10), "1001")).containsExactly(a.get(3), a.get(4));
            queue.completions().complete(done(List.of(a.get(3), a.get(4))));
            queue.completions().complete(done(b));
            assertThat(db.count("SELECT count(*) FROM valoratbot.queue_guilds")).isZero();
            assertThat(db.count("SELECT count(*) FROM commands WHERE status = 'done'"))
                    .isEqualTo(7);
        }
    }

    @Test
    void aCommandLockedElsewhereEndsItsGuildsBatchSoNoLaterOneIsTakenBeforeIt() throws Exception {
        List<String> a = insert("2001", 4);
        try (Connection other = db.database().dataSource().getConnection();
                PostgresQueue queue = queue("w1", 4)) {
            other.setAutoCommit(false);
            try (PreparedStatement st =
                    other.prepareStatement("SELECT 1 FROM commands WHERE id = ?::uuid FOR UPDATE")) {
                st.setString(1, a.get(1));
                st.executeQuery().close();
            }

            assertThat(idsOf(queue.claims().claim(10), "2001")).containsExactly(a.getFirst());
            other.rollback();

            queue.completions().complete(done(List.of(a.getFirst())));
            assertThat(idsOf(queue.claims().claim(10), "2001")).containsExactlyElementsOf(a.subList(1, 4));
        }
    }

    @Test
    void fourWorkersTakingUpToSixteenCommandsOfAGuildRunEachOnceOneAtATimeInCreationOrder() throws Exception {
        int guilds = 60;
        int perGuild = 40;
        long guildBase = 310_000_000_000_000_000L;
        List<RunningWorker> workers = new ArrayList<>();
        RecordingDiscord discord = new RecordingDiscord();
        // Closed whatever happens: workers left running would claim the next tests' commands.
        try {
            for (int position = 0; position < perGuild; position++) {
                if (position == perGuild / 2) {
                    // Half the backlog waits before the workers start (they race for it), half arrives meanwhile.
                    for (int w = 0; w < 4; w++)
                        workers.add(RunningWorker.start(
                                db.open(s -> s.poolSize(4)),
                                discord.handler(),
                                q -> q.commandsPerGuild(16),
                                r -> r.maxInFlight(16)));
                }
                db.execute("""
                    INSERT INTO commands (guild_id, action, payload, created_at)
                    SELECT (? + g)::text, ?, jsonb_build_object('channelId', (? + g)::text, 'duration', 5), clock_timestamp()
                    FROM generate_series(1, ?) g""", guildBase, position % 2 == 0 ? "lock" : "unlock", 410_000_000_000_000_000L, guilds);
            }
            Eventually.within(
                    Duration.ofMinutes(3),
                    "every command finished",
                    () -> db.count("SELECT count(*) FROM commands WHERE status IN ('pending', 'processing')") == 0);
        } finally {
            workers.forEach(RunningWorker::close);
        }

        assertThat(db.count("SELECT count(*) FROM commands WHERE status = 'done'"))
                .isEqualTo(guilds * perGuild);
        assertThat(discord.executions().values()).allSatisfy(n -> assertThat(n).isEqualTo(1));
        assertThat(discord.executions()).hasSize(guilds * perGuild);
        assertThat(discord.violations()).isEmpty();
        Map<Long, List<String>> expected = new HashMap<>();
        for (List<Object> row : db.query("SELECT guild_id, id::text FROM commands ORDER BY guild_id, created_at, id")) {
            expected.computeIfAbsent(Long.parseLong((String) row.get(0)), g -> new ArrayList<>())
                    .add((String) row.get(1));
        }
        expected.forEach((guild, order) ->
                assertThat(discord.executedInGuild(guild)).as("guild %d", guild).isEqualTo(order));
        // Several workers really competed (on an idle machine a fast one may leave another nothing
        // to do, so not necessarily all four: CI once saw three of four take part).
        assertThat(workers.stream().filter(w -> w.worker().completedCount() > 0).count())
                .isGreaterThanOrEqualTo(2);
        assertThat(db.count("SELECT count(*) FROM valoratbot.claims")).isZero();
    }

    @Test
    void aWorkerStoppingMidBatchFinishesTheRunningCommandAndHandsTheRestBackInOrderWithTheirAttempts()
            throws Exception {
        List<String> a = insert("3001", 4);
        RecordingDiscord discord = new RecordingDiscord().delay(Duration.ofMillis(800));
        RunningWorker first = RunningWorker.start(db.database(), discord.handler(), q -> q.commandsPerGuild(4), r -> r);
        Eventually.within(
                Duration.ofSeconds(20),
                "the first command running",
                () -> discord.executions().containsKey(a.getFirst()));
        first.close();

        assertThat(discord.executions()).containsOnlyKeys(a.getFirst());
        assertThat(db.value("SELECT status FROM commands WHERE id = ?::uuid", a.getFirst()))
                .isEqualTo("done");
        assertThat(db.count("SELECT count(*) FROM commands WHERE status = 'pending'"))
                .isEqualTo(3);
        // Never begun: their claim does not count towards maxAttempts.
        assertThat(db.count(
                        "SELECT count(*) FROM valoratbot.command_runs WHERE claims = 0 AND command_id = ANY (?::text[])",
                        (Object) a.subList(1, 4).toArray(String[]::new)))
                .isEqualTo(3);
        assertThat(db.count("SELECT count(*) FROM valoratbot.claims")).isZero();

        discord.delay(Duration.ZERO);
        try (RunningWorker second =
                RunningWorker.start(db.database(), discord.handler(), q -> q.commandsPerGuild(4), r -> r)) {
            Eventually.within(
                    Duration.ofSeconds(30),
                    "every command finished",
                    () -> db.count("SELECT count(*) FROM commands WHERE status = 'done'") == 4);
        }
        assertThat(discord.executedInGuild(3001)).containsExactlyElementsOf(a);
        assertThat(discord.violations()).isEmpty();
    }

    @Test
    void aDeadWorkersBatchIsTakenOverTheStartedCommandEndsInterruptedAndTheOthersRunAgainInOrder() throws Exception {
        String announce = insert("4001", "announce", "{\"channelId\":\"" + CHANNEL + "\",\"message\":\"hi\"}");
        List<String> rest = insert("4001", 3);
        try (PostgresQueue dying = queue("dying", 4)) {
            MarkStarted marks = dying.startMarks();
            assertThat(idsOf(dying.claims().claim(10), "4001"))
                    .containsExactly(announce, rest.get(0), rest.get(1), rest.get(2));
            // Its first command reached Discord (start mark), then the worker died: close() removes its row.
            assertThat(marks.started(announce)).isTrue();
        }
        RecordingDiscord discord = new RecordingDiscord();
        try (RunningWorker taker = RunningWorker.start(
                db.database(), discord.handler(), q -> q.commandsPerGuild(4).lease(Duration.ofSeconds(1)), r -> r)) {
            Eventually.within(
                    Duration.ofSeconds(30),
                    "every command ended",
                    () -> db.count("SELECT count(*) FROM commands WHERE status IN ('pending', 'processing')") == 0);
        }
        assertThat(db.value("SELECT result->>'code' FROM commands WHERE id = ?::uuid", announce))
                .isEqualTo("interrupted");
        assertThat(discord.executions()).doesNotContainKey(announce);
        assertThat(discord.executedInGuild(4001)).containsExactlyElementsOf(rest);
        assertThat(discord.violations()).isEmpty();
    }
}

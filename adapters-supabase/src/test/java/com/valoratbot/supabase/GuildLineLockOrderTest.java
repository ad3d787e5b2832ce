package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.port.QueuedCommand;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The claim's line of guilds (valoratbot.queue_guilds) is locked by the insert trigger, the claim and
 * the completion. Whoever may wait on a guild row takes its guild rows in guild order, in one pass,
 * so no two of them wait on each other in a cycle. CI once saw a bulk insert beside four workers fail
 * with "deadlock detected": the trigger share-locked the guilds already in line, then upserted the
 * parked ones, while a completion held a parked guild and waited for one in line. The completion is
 * played here by a connection that locks guild rows as it does (FOR UPDATE, in guild order), held
 * open so the interleaving is deterministic.
 */
class GuildLineLockOrderTest {

    @RegisterExtension
    static final TestDatabase db = TestDatabase.migrated()
            .emptiedBeforeEach("commands", "valoratbot.claims", "valoratbot.queue_guilds", "valoratbot.command_runs");

    static final String PARKED = "5001";
    static final String IN_LINE = "5009";

    final ExecutorService dashboard = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        dashboard.shutdownNow();
    }

    static void insertOne(String guild) {
        db.execute(
                "INSERT INTO commands (guild_id, action, payload, created_at) VALUES (?, 'listTextChannels', '{}'::jsonb, clock_timestamp())",
                guild);
    }

    static void lockGuild(Connection c, String guild) throws Exception {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT 1 FROM valoratbot.queue_guilds WHERE command_table = 'public.commands' AND guild_id = ? FOR UPDATE")) {
            st.setString(1, guild);
            st.executeQuery().close();
        }
    }

    @Test
    void aBulkInsertAndACompletionThatBothLockAParkedGuildAndOneInLineNeitherDeadlockNorFail() throws Exception {
        insertOne(PARKED);
        insertOne(IN_LINE);
        // PARKED's command is in flight (the claim parked it); IN_LINE waits in line, unlocked.
        db.execute("UPDATE valoratbot.queue_guilds SET ready_at = 'infinity' WHERE guild_id = ?", PARKED);

        try (Connection completion = db.connect()) {
            completion.setAutoCommit(false);
            try (Statement st = completion.createStatement()) {
                // Long enough for PostgreSQL's deadlock check (deadlock_timeout, 1 s) to run first.
                st.execute("SET lock_timeout = '15s'");
            }
            lockGuild(completion, PARKED);

            Future<?> insert = dashboard.submit(() -> db.execute("""
                    INSERT INTO commands (guild_id, action, payload, created_at)
                    SELECT g, 'listTextChannels', '{}'::jsonb, clock_timestamp() FROM unnest(ARRAY[?, ?]) g""", IN_LINE, PARKED));
            db.awaitSomeoneWaitingOnALock("the insert waits for the completion's lock on the parked guild");

            // The completion goes on to the next guild in order: the insert must not hold it.
            lockGuild(completion, IN_LINE);
            completion.commit();
            insert.get(30, TimeUnit.SECONDS);
        }

        assertThat(db.count("SELECT count(*) FROM commands WHERE status = 'pending'"))
                .isEqualTo(4);
        // Both guilds are in line for the next claim: the parked one was put back by the insert.
        assertThat(db.count(
                        "SELECT count(*) FROM valoratbot.queue_guilds WHERE guild_id IN (?, ?) AND ready_at < 'infinity'",
                        PARKED,
                        IN_LINE))
                .isEqualTo(2);
    }

    @Test
    void aGuildInLineWithAnInsertStillOpenIsSkippedByTheClaimNotForgottenAndItsNewCommandIsTakenAfterTheCommit()
            throws Exception {
        insertOne(IN_LINE);
        // The dashboard deleted the guild's only command: the guild is in line with nothing to do, and
        // a claim that took it now would forget it.
        db.execute("DELETE FROM commands");
        try (PostgresQueue queue = PostgresQueue.builder(db.database())
                        .workerId("w1")
                        .listen(false)
                        .build();
                Connection insert = db.connect()) {
            insert.setAutoCommit(false);
            try (PreparedStatement st = insert.prepareStatement(
                    "INSERT INTO commands (guild_id, action, payload, created_at) VALUES (?, 'listTextChannels', '{}'::jsonb, clock_timestamp()) RETURNING id::text")) {
                st.setString(1, IN_LINE);
                st.execute();
            }
            assertThat(queue.claims().claim(10)).isEmpty();
            insert.commit();

            assertThat(queue.claims().claim(10))
                    .extracting(QueuedCommand::guildId)
                    .containsExactly(IN_LINE);
        }
    }

    @Test
    void aHandBackOverTwoGuildsAndACompletionThatLocksThemInGuildOrderNeitherDeadlockNorFail() throws Exception {
        // IN_LINE is put in line and claimed first and its id sorts first: the hand-back's update
        // meets its row first, and the requeue trigger used to lock guild rows in that order.
        String first = "00000000-0000-4000-8000-000000000001";
        String last = "ffffffff-ffff-4fff-bfff-ffffffffffff";
        db.execute(
                "INSERT INTO commands (id, guild_id, action, payload, created_at) VALUES (?::uuid, ?, 'listTextChannels', '{}'::jsonb, clock_timestamp())",
                first,
                IN_LINE);
        db.execute(
                "INSERT INTO commands (id, guild_id, action, payload, created_at) VALUES (?::uuid, ?, 'listTextChannels', '{}'::jsonb, clock_timestamp())",
                last,
                PARKED);
        try (PostgresQueue queue = PostgresQueue.builder(db.database())
                        .workerId("w1")
                        .listen(false)
                        .build();
                Connection completion = db.connect()) {
            assertThat(queue.claims().claim(10)).extracting(QueuedCommand::id).containsExactlyInAnyOrder(first, last);

            completion.setAutoCommit(false);
            try (Statement st = completion.createStatement()) {
                st.execute("SET lock_timeout = '15s'");
            }
            lockGuild(completion, PARKED);
            Future<?> handBack = dashboard.submit(() -> queue.recovery().handBack(java.util.List.of(first, last)));
            db.awaitSomeoneWaitingOnALock("the hand-back waits for the completion's lock on the lower guild");

            lockGuild(completion, IN_LINE);
            completion.commit();
            handBack.get(30, TimeUnit.SECONDS);
        }

        assertThat(db.count("SELECT count(*) FROM commands WHERE status = 'pending'"))
                .isEqualTo(2);
        assertThat(db.count(
                        "SELECT count(*) FROM valoratbot.queue_guilds WHERE guild_id IN (?, ?) AND ready_at < 'infinity'",
                        PARKED,
                        IN_LINE))
                .isEqualTo(2);
    }
}

package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.port.CompleteCommands;
import com.valoratbot.core.port.QueuedCommand;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The one-round-trip claim's functions (review findings 4 and 5): half of them dropped behind the
 * worker's back, text in the statements that looks like a quote tag, who may execute them.
 */
class ClaimFunctionRepairTest {

    @RegisterExtension
    static final TestDatabase db = TestDatabase.migrated()
            .emptiedBeforeEach("commands", "valoratbot.claims", "valoratbot.queue_guilds", "valoratbot.command_runs");

    static String insert(String guild) {
        return (String) db.value(
                "INSERT INTO commands (guild_id, action, payload, created_at) VALUES (?, 'listTextChannels', '{}'::jsonb, clock_timestamp()) RETURNING id::text",
                guild);
    }

    @Test
    void bothFunctionsKeepOneGenericPlanInsteadOfPlanningTheClaimOnEveryCall() {
        try (PostgresQueue queue = PostgresQueue.builder(db.database())
                .workerId("w1")
                .listen(false)
                .build()) {
            String first = insert("1003");
            assertThat(queue.claims().claim(10)).extracting(QueuedCommand::id).containsExactly(first);
            String functions = "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                    + " WHERE n.nspname = 'valoratbot' AND p.proname LIKE 'claim\\_%'";
            assertThat(db.count("SELECT count(*) " + functions)).isGreaterThanOrEqualTo(2);
            assertThat(db.count("SELECT count(*) " + functions
                            + " AND NOT coalesce('plan_cache_mode=force_generic_plan' = ANY (p.proconfig), false)"))
                    .isZero();
        }
    }

    @Test
    void aClaimStillWorksAfterOnlyTheInnerFunctionWasDropped() {
        try (PostgresQueue queue = PostgresQueue.builder(db.database())
                .workerId("w1")
                .listen(false)
                .build()) {
            String first = insert("1001");
            assertThat(queue.claims().claim(10)).extracting(QueuedCommand::id).containsExactly(first);
            long dropped = db.count("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                    + " WHERE n.nspname = 'valoratbot' AND p.proname LIKE 'claim\\_%\\_take'");
            assertThat(dropped).isPositive();
            db.execute("""
                    DO $$ DECLARE f regprocedure; BEGIN
                      FOR f IN SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                               WHERE n.nspname = 'valoratbot' AND p.proname LIKE 'claim\\_%\\_take' LOOP
                        EXECUTE 'DROP FUNCTION ' || f;
                      END LOOP; END $$""");

            String second = insert("1002");
            assertThat(queue.claims().claim(10)).extracting(QueuedCommand::id).containsExactly(second);
            assertThat(db.count("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                            + " WHERE n.nspname = 'valoratbot' AND p.proname LIKE 'claim\\_%\\_take'"))
                    .isPositive();
        }
    }

    @Test
    void aCompletionStillLandsAfterItsFunctionWasDroppedAndTheFunctionIsCreatedAgain() {
        String completeFunctions = "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                + " WHERE n.nspname = 'valoratbot' AND p.proname LIKE 'complete\\_%'";
        try (PostgresQueue queue = PostgresQueue.builder(db.database())
                .workerId("w1")
                .listen(false)
                .build()) {
            String id = insert("1004");
            assertThat(queue.claims().claim(10)).extracting(QueuedCommand::id).containsExactly(id);
            assertThat(db.count(completeFunctions)).isPositive();
            db.execute("""
                    DO $$ DECLARE f regprocedure; BEGIN
                      FOR f IN SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                               WHERE n.nspname = 'valoratbot' AND p.proname LIKE 'complete\\_%' LOOP
                        EXECUTE 'DROP FUNCTION ' || f;
                      END LOOP; END $$""");
            assertThat(db.count(completeFunctions)).isZero();

            queue.completions().complete(List.of(new CompleteCommands.Completion(id, true, "{\"ok\":true}")));

            assertThat(db.value("SELECT status FROM commands WHERE id = ?::uuid", id))
                    .isEqualTo("done");
            assertThat(db.count(completeFunctions)).isPositive();
        }
    }

    @Test
    void textHoldingTheOldFixedQuoteTagsStaysTextInsideTheFunctionsBody() {
        try (PostgresQueue queue = PostgresQueue.builder(db.database())
                .workerId("w1")
                .listen(false)
                .build()) {
            // Action names given to the builder cannot hold '$'; a table's name from configuration can,
            // and reaches the body the same way (as text in the statements).
            String odd = "x$take$y$claim$z";
            QueueSql sql = new QueueSql(queue.table(), new QueueSql.Rules(Set.of(odd), 65536, 1 << 20, 5));

            Optional<ClaimFunction> f = ClaimFunction.install(db.database().dataSource(), sql);

            assertThat(f).isPresent();
            assertThat(db.count(
                            "SELECT count(*) FROM pg_proc WHERE oid = to_regproc(?)::oid AND prosrc LIKE ?",
                            f.get().name + "_take",
                            "%" + odd + "%"))
                    .isEqualTo(1);
        }
    }

    @Test
    void onlyTheRoleThatCreatedTheFunctionsMayExecuteThem() {
        try (PostgresQueue queue = PostgresQueue.builder(db.database())
                .workerId("w1")
                .listen(false)
                .build()) {
            assertThat(db.count("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                            + " WHERE n.nspname = 'valoratbot' AND p.proname LIKE 'claim\\_%'"))
                    .isPositive();
            assertThat(db.count("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                            + " WHERE n.nspname = 'valoratbot' AND p.proname LIKE 'claim\\_%'"
                            + " AND has_function_privilege('public', p.oid, 'EXECUTE')"))
                    .isZero();
        }
    }
}

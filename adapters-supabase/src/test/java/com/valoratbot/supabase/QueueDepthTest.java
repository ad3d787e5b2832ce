package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.port.ops.QueueDepth;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The operator's queue-depth gauges read the command table as all workers share it. */
class QueueDepthTest {

    @RegisterExtension
    static final TestDatabase db = TestDatabase.migrated().emptiedBeforeEach("commands");

    static final String GUILD = "111111111111111111";

    private void insert(String action, String status, Duration ago) {
        db.execute(
                "INSERT INTO commands (guild_id, action, payload, status, created_at)"
                        + " VALUES (?, ?, '{}'::jsonb, ?, now() - make_interval(secs => ?))",
                GUILD,
                action,
                status,
                (double) ago.toMillis() / 1000);
    }

    @Test
    void pendingAndProcessingAreCountedAndTheOldestPendingAgeIsMeasuredByTheDatabase() {
        insert("lock", "pending", Duration.ofSeconds(90));
        insert("lock", "pending", Duration.ofSeconds(5));
        insert("purge", "processing", Duration.ofSeconds(300));
        insert("purge", "done", Duration.ofSeconds(900));
        insert("purge", "error", Duration.ofSeconds(900));

        QueueDepth.Depth depth = PostgresQueueDepth.on(db.database(), Set.of()).read();

        assertThat(depth.pending()).isEqualTo(2);
        assertThat(depth.processing()).isEqualTo(1);
        assertThat(depth.oldestPending())
                .hasValueSatisfying(age -> assertThat(age).isBetween(Duration.ofSeconds(90), Duration.ofSeconds(120)));
    }

    @Test
    void anEmptyQueueHasNoOldestPending() {
        insert("purge", "done", Duration.ofSeconds(10));

        QueueDepth.Depth depth = PostgresQueueDepth.on(db.database(), Set.of()).read();

        assertThat(depth.pending()).isZero();
        assertThat(depth.processing()).isZero();
        assertThat(depth.oldestPending()).isEmpty();
    }

    @Test
    void anotherConsumersActionsAreLeftOutTrimmedAsTheClaimTrimsThem() {
        insert(" ADD_QUEST_PROGRESS ", "pending", Duration.ofSeconds(600));
        insert("lock", "pending", Duration.ofSeconds(3));

        QueueDepth.Depth depth = PostgresQueueDepth.on(db.database(), Set.of("ADD_QUEST_PROGRESS"))
                .read();

        assertThat(depth.pending()).isEqualTo(1);
        assertThat(depth.oldestPending())
                .hasValueSatisfying(age -> assertThat(age).isLessThan(Duration.ofSeconds(60)));
    }
}

package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.RememberLocks.SavedOverwrite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What unlock restores, kept in valoratbot.channel_locks. */
class LockMemoryTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static final Snowflake GUILD = Snowflake.of(111111111111111111L);
    static final Snowflake CHANNEL = Snowflake.of(222222222222222222L);

    @Test
    void theFirstSavedOverwriteIsKeptAcrossConnectionsUntilForgotten() {
        PostgresLockMemory memory = PostgresLockMemory.on(db.open());
        assertThat(memory.recall(GUILD, CHANNEL)).isEmpty();

        memory.rememberIfAbsent(GUILD, CHANNEL, new SavedOverwrite(true, 1024L, 2048L));
        memory.rememberIfAbsent(
                GUILD, CHANNEL, new SavedOverwrite(false, 0, Long.MAX_VALUE)); // locking twice keeps the first

        PostgresLockMemory afterRestart = PostgresLockMemory.on(db.open());
        assertThat(afterRestart.recall(GUILD, CHANNEL)).contains(new SavedOverwrite(true, 1024L, 2048L));
        assertThat(afterRestart.recall(GUILD, Snowflake.of(3))).isEmpty();

        afterRestart.forget(GUILD, CHANNEL);
        assertThat(memory.recall(GUILD, CHANNEL)).isEmpty();
    }
}

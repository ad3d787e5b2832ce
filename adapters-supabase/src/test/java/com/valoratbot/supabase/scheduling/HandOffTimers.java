package com.valoratbot.supabase.scheduling;

import com.valoratbot.core.port.schedule.GuildPresence;
import com.valoratbot.supabase.Database;
import java.time.Duration;
import java.time.Instant;

/** What the hand-off tests of both timers share. */
final class HandOffTimers {

    private HandOffTimers() {}

    /**
     * A timer that hears hand-offs on {@code db} for the guilds {@code presence} holds and polls once
     * an hour, so that within a test only a hand-off's notification can make it look.
     */
    static DbSchedulerTimer hearing(
            DbSchedulerTimer.Builder builder, String name, Database db, GuildPresence presence) {
        return builder.workerName(name)
                .pollingInterval(Duration.ofHours(1))
                .handOffs(db, presence)
                .build();
    }

    /** Whether job {@code jobId} in {@code table} was offered again: waiting, and due after {@code after}. */
    static boolean handedOff(Database db, String table, String jobId, Instant after) {
        return db.dsl()
                .fetchOptional(
                        "SELECT 1 FROM " + table + " WHERE task_instance = ? AND NOT picked"
                                + " AND execution_time > CAST(? AS timestamptz)",
                        jobId,
                        after.toString())
                .isPresent();
    }
}

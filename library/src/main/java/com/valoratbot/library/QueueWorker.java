package com.valoratbot.library;

import com.valoratbot.core.config.QueueTiming;
import com.valoratbot.core.port.AwaitCommands;
import com.valoratbot.core.port.ClaimCommands;
import com.valoratbot.core.port.CompleteCommands;
import com.valoratbot.core.run.CommandHandler;
import com.valoratbot.core.run.CommandWorker;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.PostgresQueue;
import java.util.Objects;

/**
 * The command queue on PostgreSQL and the worker that runs its rows, joined the one way the front
 * door joins them: one {@link QueueTiming} for both, the worker fed by the queue's claims,
 * completions, recovery and wake-ups, and recording the starts of non-idempotent commands. On its
 * own ({@link #start}) for tools and benchmarks that run commands through a {@link CommandHandler}
 * over their own ports, without Discord; {@link Valoratbot} starts the same pair around its session.
 */
public final class QueueWorker implements AutoCloseable {

    private final PostgresQueue queue;
    private final CommandWorker worker;

    private QueueWorker(PostgresQueue queue, CommandWorker worker) {
        this.queue = queue;
        this.worker = worker;
    }

    /**
     * Commands of one guild a claim takes at once, run one after another in the guild's order by
     * {@code CommandWorker} (issue 12: at 200 guilds, one per guild and cycle bounded the drain).
     */
    public static final int DEFAULT_COMMANDS_PER_GUILD = 16;

    /** Opens the queue on {@code db} and starts claiming for {@code handler}. */
    public static QueueWorker start(Database db, CommandHandler handler, QueueTiming timing) {
        PostgresQueue queue = PostgresQueue.builder(db)
                .timing(timing)
                .commandsPerGuild(DEFAULT_COMMANDS_PER_GUILD)
                .build();
        try {
            return new QueueWorker(queue, worker(queue, handler, timing).build().start());
        } catch (RuntimeException e) {
            queue.close();
            throw e;
        }
    }

    /** The worker's builder joined to {@code queue}, with the timing the queue was given; the caller adds its limits. */
    public static CommandWorker.Builder worker(PostgresQueue queue, CommandHandler handler, QueueTiming timing) {
        return worker(queue, queue.claims(), queue.completions(), handler, timing);
    }

    /**
     * As {@link #worker(PostgresQueue, CommandHandler, QueueTiming)}, the claims and completions
     * going through {@code claims} and {@code completions}, which wrap the queue's own (a benchmark
     * timing each call): everything else is joined the one way.
     */
    public static CommandWorker.Builder worker(
            PostgresQueue queue,
            ClaimCommands claims,
            CompleteCommands completions,
            CommandHandler handler,
            QueueTiming timing) {
        return worker(queue, claims, completions, queue.awaitCommands(), handler, timing);
    }

    /** As above, the wake-ups going through {@code awaits} too (a benchmark stamping each one). */
    public static CommandWorker.Builder worker(
            PostgresQueue queue,
            ClaimCommands claims,
            CompleteCommands completions,
            AwaitCommands awaits,
            CommandHandler handler,
            QueueTiming timing) {
        Objects.requireNonNull(timing, "timing");
        return CommandWorker.builder(claims, completions, queue.recovery(), awaits, handler)
                .timing(timing)
                .markStarted(queue.startMarks());
    }

    public PostgresQueue queue() {
        return queue;
    }

    /** Stops claiming and lets the commands in flight finish, then closes the queue. */
    @Override
    public void close() {
        try {
            worker.close();
        } finally {
            queue.close();
        }
    }
}

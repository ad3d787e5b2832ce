package com.valoratbot.supabase;

import com.valoratbot.core.run.CommandHandler;
import com.valoratbot.core.run.CommandWorker;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** A queue and core's runtime on it, started together and closed in the right order. */
public record RunningWorker(PostgresQueue queue, CommandWorker worker) implements AutoCloseable {

    public static RunningWorker start(Database db, CommandHandler handler) {
        return start(db, handler, UnaryOperator.identity(), UnaryOperator.identity());
    }

    public static RunningWorker start(
            Database db,
            CommandHandler handler,
            UnaryOperator<PostgresQueue.Builder> queueSettings,
            UnaryOperator<CommandWorker.Builder> workerSettings) {
        PostgresQueue queue = queueSettings.apply(PostgresQueue.builder(db)).build();
        CommandWorker.Builder b = CommandWorker.builder(
                        queue.claims(), queue.completions(), queue.recovery(), queue.awaitCommands(), handler)
                .pollInterval(queue.pollInterval())
                .markStarted(queue.startMarks())
                .heartbeatInterval(Duration.ofMillis(Math.max(50, queue.lease().toMillis() / 5)))
                .recoveryInterval(Duration.ofMillis(Math.max(50, queue.lease().toMillis() / 3)));
        CommandWorker worker = workerSettings.apply(b).build().start();
        return new RunningWorker(queue, worker);
    }

    @Override
    public void close() {
        worker.close();
        queue.close();
    }
}

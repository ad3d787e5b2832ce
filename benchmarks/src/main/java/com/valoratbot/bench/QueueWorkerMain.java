package com.valoratbot.bench;

import com.valoratbot.core.config.QueueTiming;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.ListChannels;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.run.CommandHandler;
import com.valoratbot.core.run.CommandWorker;
import com.valoratbot.core.run.Ports;
import com.valoratbot.library.QueueWorker;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.DatabaseSettings;
import com.valoratbot.supabase.PostgresQueue;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The project's queue as its own worker process, for the side-by-side benchmark: the real
 * {@code PostgresQueue} + {@code CommandWorker} (the library's {@code QueueWorker}) + {@code CommandHandler} with a Discord that
 * answers at once, on the database given as argument. Speaks {@link WorkerProcess}'s protocol:
 * {@code ready} once it claims, then {@code s <command id> <System.nanoTime()>} as each handler
 * starts (monotonic clock, shared by every process on the machine), flushed every 50 ms so
 * reporting costs no syscall per command; it stops when its standard input closes.
 *
 * <p>Usage (started by the benchmark): {@code QueueWorkerMain <jdbc url>}
 */
public final class QueueWorkerMain {

    public static void main(String[] args) throws Exception {
        PrintStream stdout = System.out;
        // Anything else writing to stdout (a library's banner) would corrupt the protocol.
        System.setOut(System.err);
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(stdout, StandardCharsets.US_ASCII), 1 << 16);
        Object lock = new Object();
        ListChannels recording = new ListChannels() {
            @Override
            public Result<List<ChannelSummary>> textChannels(CommandContext context) {
                long now = System.nanoTime();
                synchronized (lock) {
                    try {
                        out.write("s " + context.commandId() + " " + now + "\n");
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                return Result.ok(List.of());
            }

            @Override
            public Result<List<ChannelSummary>> voiceChannels(CommandContext context) {
                return Result.ok(List.of());
            }
        };
        ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().unstarted(r));
        flusher.scheduleWithFixedDelay(
                () -> {
                    synchronized (lock) {
                        try {
                            out.flush();
                        } catch (java.io.IOException e) {
                            System.exit(0); // the benchmark went away
                        }
                    }
                },
                50,
                50,
                TimeUnit.MILLISECONDS);
        DatabaseSettings settings = DatabaseSettings.builder().url(args[0]).build();
        try (Database db = Database.open(settings)) {
            CommandHandler handler = CommandHandler.builder(
                            Ports.builder().channels(recording).build())
                    .maxAge(Duration.ofHours(1))
                    .build();
            // Queue and worker joined as the front door joins them (the library's QueueWorker), with the worker's
            // default timing; claims and wake-ups go through stamping wrappers (see PickupStages).
            PickupStages stages = new PickupStages(line -> {
                synchronized (lock) {
                    try {
                        out.write(line);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            PostgresQueue queue = PostgresQueue.builder(db)
                    .timing(QueueTiming.DEFAULT)
                    .commandsPerGuild(QueueWorker.DEFAULT_COMMANDS_PER_GUILD)
                    .build();
            try (queue;
                    PickupStages.Listener listener = stages.listen(db);
                    CommandWorker worker = QueueWorker.worker(
                                    queue,
                                    stages.claims(queue.claims()),
                                    queue.completions(),
                                    stages.awaits(queue.awaitCommands()),
                                    handler,
                                    QueueTiming.DEFAULT)
                            .build()
                            .start()) {
                synchronized (lock) {
                    out.write("ready\n");
                    out.flush();
                }
                // Runs until the benchmark closes our standard input.
                while (System.in.read() >= 0) {
                    // ignore input
                }
            }
        } finally {
            flusher.shutdownNow();
            synchronized (lock) {
                out.flush();
            }
        }
    }
}

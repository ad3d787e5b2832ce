package com.valoratbot.discord.music;

import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.result.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guilds' players: one {@link GuildPlayer} per guild, made on the first {@code play} and dropped when it leaves,
 * each running its tasks one at a time on virtual threads; and the ticker that asks each one for its idle check.
 */
final class GuildPlayers implements AutoCloseable {

    /** The longest a command waits for its guild's serial task (a guard against a stuck player, not a rule). */
    static final long TASK_WAIT_MILLIS = 30_000;

    private static final Logger LOG = LoggerFactory.getLogger(GuildPlayers.class);

    private final Map<Long, GuildPlayer> players = new ConcurrentHashMap<>();
    private final ExecutorService tasks = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("music-", 0).factory());
    private final ScheduledExecutorService ticker;
    private final TrackLoader tracks;
    private final GuildPlayer.Shared shared;
    private volatile boolean closed;

    GuildPlayers(MusicPlayers.Builder b, TrackLoader tracks, GuildPlayer.Saver saver) {
        this.tracks = tracks;
        this.shared =
                new GuildPlayer.Shared(b.jda, b.idleTimeout, b.saveInterval, b.maxQueueLength, saver, this::ended);
        long tick = Math.max(50, Math.min(this.shared.idleTimeout().toMillis() / 4, 5_000));
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "music-idle");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    }

    boolean closed() {
        return closed;
    }

    /** Runs background work (the restore) on the players' executor. */
    void execute(Runnable work) {
        tasks.execute(work);
    }

    /** Forgets a player that ended (left, or dropped unused): the guild's next command makes a new one. */
    void ended(GuildPlayer g) {
        players.remove(g.guildId, g);
    }

    /** Runs a task on the guild's serial executor (creating its player) and waits for it, at most {@code waitMillis}. */
    <T> Result<T> onGuild(long guildId, long waitMillis, Function<GuildPlayer, Result<T>> task) {
        for (int attempt = 0; attempt < 3; attempt++) {
            GuildPlayer g = players.computeIfAbsent(
                    guildId, id -> new GuildPlayer(id, new SerialExecutor(tasks), tracks.createPlayer(), shared));
            Optional<Result<T>> result = run(g, waitMillis, task);
            if (result.isPresent()) return result.get();
            // That player was just closed by a stop or an idle leave: the next one is fresh.
        }
        return Result.err(ErrorCode.INTERNAL_ERROR, "internal_error");
    }

    /** Like {@link #onGuild} for a player that exists; empty when there is none (or it just ended). */
    <T> Optional<Result<T>> onExisting(long guildId, long waitMillis, Function<GuildPlayer, Result<T>> task) {
        GuildPlayer g = players.get(guildId);
        return g == null ? Optional.empty() : run(g, waitMillis, task);
    }

    /**
     * The task's result; empty when the player closed before the task ran. A task that throws is rethrown (as
     * {@link CompletionException}) for the command's {@code Connection} to map.
     */
    private <T> Optional<Result<T>> run(GuildPlayer g, long waitMillis, Function<GuildPlayer, Result<T>> task) {
        if (closed)
            return Optional.of(
                    Result.err(ErrorCode.VOICE_UNAVAILABLE, "voice_unavailable", Text.of("music.shutting_down")));
        try {
            return g.serial
                    .submit(() -> g.closed ? Optional.<Result<T>>empty() : Optional.of(task.apply(g)))
                    .get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(Result.err(ErrorCode.INTERNAL_ERROR, "internal_error"));
        } catch (ExecutionException e) {
            throw new CompletionException("guild " + g.guildId + ": music command failed", e.getCause());
        } catch (TimeoutException e) {
            LOG.error("guild {}: music command did not finish in {} ms", g.guildId, waitMillis);
            return Optional.of(Result.err(ErrorCode.INTERNAL_ERROR, "internal_error"));
        }
    }

    private void tick() {
        if (closed) return;
        for (GuildPlayer g : players.values()) g.serial.execute(g::checkIdle);
    }

    /** Saves every guild's queue and position and leaves voice, keeping the saved queues; then stops the threads. */
    @Override
    public void close() {
        if (closed) return;
        List<CompletableFuture<Boolean>> done = new ArrayList<>();
        for (GuildPlayer g : players.values()) done.add(g.serial.submit(g::shutDown));
        closed = true;
        ticker.shutdownNow();
        for (CompletableFuture<Boolean> f : done) {
            try {
                f.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("a music player did not stop cleanly", e);
            }
        }
        players.clear();
    }

    /** After {@link #close} and the store's last write: no more tasks. */
    void shutdownTasks() {
        tasks.shutdown();
    }
}

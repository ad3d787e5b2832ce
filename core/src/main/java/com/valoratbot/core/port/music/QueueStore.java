package com.valoratbot.core.port.music;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Where each guild's queue survives a worker restart: one JSON document per guild (see {@link QueueSnapshot} for
 * its fields) holding the voice channel, the now-playing track with its position and paused flag, and the queue,
 * tracks in Lavaplayer's portable encoding. Calls come from one background writer thread, never from the audio
 * path; a store that throws is logged and retried at the next change.
 *
 * <p>Postgres implementation: {@code com.valoratbot.supabase.music.PostgresMusicQueues}; wire it with
 * {@code QueueStore.of(pg::loadAll, pg::save, pg::delete)}.
 */
public interface QueueStore {

    /** Every saved guild: guild id → the JSON written by {@link #save}. */
    Map<Long, String> loadAll();

    /** Replaces the guild's document. */
    void save(long guildId, String snapshotJson);

    /** Forgets the guild (after stop, or when the bot left for good). */
    void delete(long guildId);

    /** Keeps nothing: queues end with the process. */
    static QueueStore none() {
        return of(Map::of, (g, json) -> {}, g -> {});
    }

    /** For tests and embedders without a database: survives a new {@link MusicPlayers}, not a new JVM. */
    static QueueStore inMemory() {
        Map<Long, String> saved = new ConcurrentHashMap<>();
        return of(() -> new TreeMap<>(saved), saved::put, saved::remove);
    }

    /** Adapts any storage with these three operations (for example the Postgres adapter's methods). */
    static QueueStore of(Supplier<Map<Long, String>> loadAll, BiConsumer<Long, String> save, LongConsumer delete) {
        Objects.requireNonNull(loadAll, "loadAll");
        Objects.requireNonNull(save, "save");
        Objects.requireNonNull(delete, "delete");
        return new QueueStore() {
            @Override
            public Map<Long, String> loadAll() {
                return loadAll.get();
            }

            @Override
            public void save(long guildId, String snapshotJson) {
                save.accept(guildId, snapshotJson);
            }

            @Override
            public void delete(long guildId) {
                delete.accept(guildId);
            }
        };
    }
}

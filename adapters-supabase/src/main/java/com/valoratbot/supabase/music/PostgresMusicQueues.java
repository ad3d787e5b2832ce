package com.valoratbot.supabase.music;

import com.valoratbot.migrations.ValoratbotMigrations;
import com.valoratbot.supabase.Database;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jooq.Record;

/**
 * Where the music module's queues survive a worker restart: {@code valoratbot.music_queues} (migration V200), one
 * JSON document per guild. The music module writes and reads it through its {@code QueueStore}:
 * <pre>{@code
 * PostgresMusicQueues pg = PostgresMusicQueues.on(database);
 * MusicPlayers.builder(jda).queueStore(QueueStore.of(pg::loadAll, pg::save, pg::delete))...
 * }</pre>
 * The document is opaque here (validated as JSON by Postgres' {@code jsonb}); its fields are described in
 * {@code docs/music.md}.
 */
public final class PostgresMusicQueues {

    static final String TABLE = ValoratbotMigrations.SCHEMA + ".music_queues";

    private final Database db;

    private PostgresMusicQueues(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    public static PostgresMusicQueues on(Database db) {
        return new PostgresMusicQueues(db);
    }

    /** Every saved guild queue: guild id → its document, oldest guild id first. */
    public Map<Long, String> loadAll() {
        Map<Long, String> out = new LinkedHashMap<>();
        for (Record r : db.dsl().fetch("SELECT guild_id, state::text AS state FROM " + TABLE + " ORDER BY guild_id")) {
            out.put(r.get("guild_id", Long.class), r.get("state", String.class));
        }
        return out;
    }

    /** Replaces the guild's document (an upsert: one row per guild). */
    public void save(long guildId, String stateJson) {
        Objects.requireNonNull(stateJson, "stateJson");
        db.dsl()
                .execute(
                        "INSERT INTO " + TABLE + " (guild_id, state, updated_at) VALUES (?, ?::jsonb, now())"
                                + " ON CONFLICT (guild_id) DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at",
                        guildId,
                        stateJson);
    }

    public void delete(long guildId) {
        db.dsl().execute("DELETE FROM " + TABLE + " WHERE guild_id = ?", guildId);
    }
}

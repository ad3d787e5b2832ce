package com.valoratbot.supabase;

import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.RememberLocks;
import java.util.Objects;
import java.util.Optional;
import org.jooq.Record;

/** Core's {@link RememberLocks} on {@code valoratbot.channel_locks}: what unlock restores survives restarts. */
public final class PostgresLockMemory implements RememberLocks {

    private static final String TABLE = QueueSql.SCHEMA + ".channel_locks";

    private final Database db;

    private PostgresLockMemory(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    public static PostgresLockMemory on(Database db) {
        return new PostgresLockMemory(db);
    }

    @Override
    public void rememberIfAbsent(Snowflake guildId, Snowflake channelId, SavedOverwrite before) {
        db.dsl()
                .execute(
                        "INSERT INTO " + TABLE
                                + " (guild_id, channel_id, existed, allow_bits, deny_bits) VALUES (?, ?, ?, ?, ?)"
                                + " ON CONFLICT (guild_id, channel_id) DO NOTHING",
                        guildId.value(),
                        channelId.value(),
                        before.existed(),
                        before.allow(),
                        before.deny());
    }

    @Override
    public Optional<SavedOverwrite> recall(Snowflake guildId, Snowflake channelId) {
        Record r = db.dsl()
                .fetchOne(
                        "SELECT existed, allow_bits, deny_bits FROM " + TABLE
                                + " WHERE guild_id = ? AND channel_id = ?",
                        guildId.value(),
                        channelId.value());
        if (r == null) return Optional.empty();
        return Optional.of(new SavedOverwrite(
                r.get("existed", Boolean.class), r.get("allow_bits", Long.class), r.get("deny_bits", Long.class)));
    }

    @Override
    public void forget(Snowflake guildId, Snowflake channelId) {
        db.dsl()
                .execute(
                        "DELETE FROM " + TABLE + " WHERE guild_id = ? AND channel_id = ?",
                        guildId.value(),
                        channelId.value());
    }
}

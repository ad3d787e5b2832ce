package com.example.questbot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The bot's own table, next to the backend's in the same database: the backend migrates only its
 * command table and its own schema, so this table is created and owned here.
 */
public final class QuestStore {

    private final DataSource dataSource;

    private QuestStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Creates the table if it is missing. */
    public static QuestStore on(DataSource dataSource) {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE IF NOT EXISTS public.quest_progress (
                        guild_id   bigint      NOT NULL,
                        user_id    bigint      NOT NULL,
                        quest_id   text        NOT NULL,
                        progress   bigint      NOT NULL,
                        updated_at timestamptz NOT NULL DEFAULT now(),
                        PRIMARY KEY (guild_id, user_id, quest_id))""");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create public.quest_progress: " + e.getMessage(), e);
        }
        return new QuestStore(dataSource);
    }

    /** Adds {@code amount} to a member's progress on a quest and returns the new total. */
    public long add(long guildId, long userId, String questId, int amount) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement p = c.prepareStatement("""
                INSERT INTO public.quest_progress AS q (guild_id, user_id, quest_id, progress) VALUES (?, ?, ?, ?)
                ON CONFLICT (guild_id, user_id, quest_id)
                DO UPDATE SET progress = q.progress + EXCLUDED.progress, updated_at = now()
                RETURNING q.progress""")) {
            p.setLong(1, guildId);
            p.setLong(2, userId);
            p.setString(3, questId);
            p.setInt(4, amount);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }
}

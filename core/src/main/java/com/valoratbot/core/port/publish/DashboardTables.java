package com.valoratbot.core.port.publish;

import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.publish.DashboardWeek;
import com.valoratbot.core.publish.GuildFigures;
import com.valoratbot.core.publish.GuildListing;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * Where the dashboard's tables are written (adapters-supabase: {@code PostgresDashboardTables}).
 *
 * <p>With several workers on one database every method must be safe to call from each of them at once:
 * nothing is written twice and no worker overwrites another's write with the same data. The {@code spacing}
 * arguments say how recent an existing row may be for a new one to be skipped (the other worker's row
 * stands for this one). Each method either writes or throws.
 */
public interface DashboardTables {

    /**
     * Adds a {@code bot_status} row unless one newer than {@code now - spacing} exists, and deletes rows
     * older than {@code now - retention}.
     *
     * @return true when this call added the row
     */
    boolean writeStatus(
            Instant now, long latencyMs, long uptimeMs, String version, Duration spacing, Duration retention);

    /**
     * Inserts or updates these guilds' {@code bot_guilds} rows, setting {@code last_seen = now}; a row whose
     * fields are unchanged and whose last_seen is newer than {@code now - spacing} is left alone.
     *
     * @return how many rows were written
     */
    int upsertGuilds(Collection<GuildListing> guilds, Instant now, Duration spacing);

    /** Deletes a guild's {@code bot_guilds} row (the bot left it). */
    void removeGuild(Snowflake guildId);

    /** Deletes {@code bot_guilds} rows no worker has seen since {@code seenBefore}. @return how many */
    int removeGuildsNotSeenSince(Instant seenBefore);

    /**
     * Adds a {@code guild_snapshot} row per guild unless that guild has one newer than {@code now - spacing},
     * and deletes snapshots older than {@code now - retention}.
     *
     * @return how many rows were added
     */
    int writeSnapshots(Collection<GuildFigures> figures, Instant now, Duration spacing, Duration retention);

    /**
     * Makes each guild's {@code leaderboards} row for its week hold that week's messages and voice seconds
     * per member (from the activity counts already stored), creating it when missing (with empty maps when
     * nobody was active, so the page always finds its row). A row already holding those figures is not
     * rewritten. Rows of other weeks are never touched.
     *
     * @return how many rows were written
     */
    int publishLeaderboards(Map<Snowflake, DashboardWeek> weeks);
}

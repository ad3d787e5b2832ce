package com.valoratbot.discord.music;

import com.sedmelluq.discord.lavaplayer.track.AudioTrack;
import com.valoratbot.core.port.music.QueueStore;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.Failure;
import com.valoratbot.core.result.Result;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.channel.middleman.AudioChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues across restarts: each guild's player saved as a {@link QueueSnapshot} in the {@link QueueStore} (through
 * one background {@link StoreWriter}) on every change, and the saved ones resumed once at start-up by joining their
 * channel again and playing from the saved position.
 */
final class QueueRestore implements GuildPlayer.Saver, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueueRestore.class);

    private final JDA jda;
    private final QueueStore store;
    private final StoreWriter writer;
    private final TrackLoader tracks;
    private final CompletableFuture<Integer> restoration = new CompletableFuture<>();

    QueueRestore(JDA jda, QueueStore store, TrackLoader tracks) {
        this.jda = jda;
        this.store = store;
        this.writer = new StoreWriter(store);
        this.tracks = tracks;
    }

    /** Completes with the number of guilds whose saved queue was resumed, once that is done. */
    CompletableFuture<Integer> restoration() {
        return restoration;
    }

    // ================================================================ saving

    @Override
    public void save(GuildPlayer g) {
        g.lastSavedNanos = System.nanoTime();
        Guild guild = jda.getGuildById(g.guildId);
        AudioChannel connected = guild == null ? null : guild.getAudioManager().getConnectedChannel();
        // Moved by a moderator: resume in the channel it was moved to.
        if (connected != null) g.channelId = connected.getIdLong();
        if (!g.active() || g.channelId == 0) {
            writer.delete(g.guildId);
            return;
        }
        writer.save(g.guildId, snapshot(g).toJson());
    }

    @Override
    public void forget(long guildId) {
        writer.delete(guildId);
    }

    private QueueSnapshot snapshot(GuildPlayer g) {
        AudioTrack current = g.player.getPlayingTrack();
        Optional<QueueSnapshot.SavedTrack> saved = current == null ? Optional.empty() : saved(current);
        long position = current == null ? 0 : g.positionOf(current);
        return new QueueSnapshot(
                g.guildId,
                g.channelId,
                g.player.isPaused(),
                saved,
                position,
                g.queue.stream().map(this::saved).flatMap(Optional::stream).toList(),
                System.currentTimeMillis());
    }

    private Optional<QueueSnapshot.SavedTrack> saved(AudioTrack track) {
        String encoded = tracks.encoded(track);
        return encoded == null
                ? Optional.empty()
                : Optional.of(new QueueSnapshot.SavedTrack(encoded, track.getInfo().title, track.getInfo().uri));
    }

    // ================================================================ resuming

    /**
     * Resumes every saved queue it can (waiting for JDA to be ready first), on {@code players}; completes
     * {@link #restoration()}. Queues of guilds not available now are kept for a later start; those whose channel is
     * gone are dropped.
     */
    void restoreAll(GuildPlayers players, VoiceSupport support) {
        int resumed = 0;
        try {
            Map<Long, String> saved = store.loadAll();
            if (saved.isEmpty()) return;
            jda.awaitReady();
            for (Map.Entry<Long, String> entry : saved.entrySet()) {
                if (players.closed()) return;
                try {
                    if (restore(players, support, QueueSnapshot.fromJson(entry.getKey(), entry.getValue()))) resumed++;
                } catch (RuntimeException e) {
                    LOG.warn("guild {}: saved music queue not resumed", entry.getKey(), e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (databaseAway(e)) {
                // Expected during a database restart: one line, no stack trace. The queues stay saved.
                LOG.warn(
                        "Music: saved queues could not be read, the database is unavailable ({}); they stay saved and"
                                + " are resumed at the next start",
                        rootMessage(e));
            } else {
                LOG.error("saved music queues could not be read", e);
            }
        } finally {
            if (resumed > 0) LOG.info("Music: resumed {} guild queue(s)", resumed);
            restoration.complete(resumed);
        }
    }

    /**
     * A database that refused or dropped the connection, or is shutting down or starting up
     * (SQLSTATE classes 08 and 57P0): what a restart looks like through any pool, told apart without
     * the database adapter (this module does not import it).
     */
    static boolean databaseAway(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.ConnectException
                    || t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof java.sql.SQLNonTransientConnectionException) return true;
            if (t instanceof java.sql.SQLException sql
                    && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P0"))) return true;
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }

    private boolean restore(GuildPlayers players, VoiceSupport support, QueueSnapshot s) {
        if (!support.available()) {
            LOG.warn("guild {}: saved music queue kept but not resumed: {}", s.guildId(), support.detail());
            return false;
        }
        Guild guild = jda.getGuildById(s.guildId());
        if (guild == null) {
            LOG.info("guild {}: not available, saved music queue kept for later", s.guildId());
            return false;
        }
        AudioChannel channel = guild.getChannelById(AudioChannel.class, s.channelId());
        if (channel == null) {
            LOG.info("guild {}: voice channel {} is gone, saved music queue dropped", s.guildId(), s.channelId());
            writer.delete(s.guildId());
            return false;
        }
        Result<Boolean> done = players.onGuild(
                s.guildId(), GuildPlayers.TASK_WAIT_MILLIS, g -> Result.ok(resume(g, s, guild, channel)));
        return done instanceof Result.Ok<Boolean>(Boolean b) && b;
    }

    /** On the guild's serial executor: decodes the saved tracks, joins the channel and plays from the saved position. */
    private boolean resume(GuildPlayer g, QueueSnapshot s, Guild guild, AudioChannel channel) {
        if (g.active()) return false;
        List<AudioTrack> queued = new ArrayList<>();
        AudioTrack current = null;
        if (s.current().isPresent()) {
            try {
                current = tracks.decode(s.current().get().encoded());
                g.resumeAt(current, s.positionMs());
            } catch (IOException | RuntimeException e) {
                LOG.warn(
                        "guild {}: saved track {} not resumed: {}",
                        s.guildId(),
                        s.current().get().uri(),
                        e.getMessage());
            }
        }
        for (QueueSnapshot.SavedTrack t : s.queue()) {
            try {
                queued.add(tracks.decode(t.encoded()));
            } catch (IOException | RuntimeException e) {
                LOG.warn("guild {}: saved track {} dropped: {}", s.guildId(), t.uri(), e.getMessage());
            }
        }
        if (current == null && !queued.isEmpty()) current = queued.removeFirst();
        if (current == null) {
            writer.delete(s.guildId());
            return false;
        }
        Result<Done> joined = g.join(guild, channel);
        if (joined instanceof Result.Err<Done>(Failure f)) {
            LOG.warn("guild {}: cannot rejoin voice to resume the queue: {}", s.guildId(), f.reason());
            return false;
        }
        g.queue.addAll(queued);
        g.player.setPaused(s.paused());
        g.player.startTrack(current, false);
        save(g);
        return true;
    }

    /** Writes what is pending (one attempt), then stops the writer. */
    @Override
    public void close() {
        writer.close();
    }
}

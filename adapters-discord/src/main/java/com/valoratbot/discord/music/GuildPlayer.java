package com.valoratbot.discord.music;

import com.sedmelluq.discord.lavaplayer.player.AudioPlayer;
import com.sedmelluq.discord.lavaplayer.player.event.AudioEventAdapter;
import com.sedmelluq.discord.lavaplayer.tools.FriendlyException;
import com.sedmelluq.discord.lavaplayer.track.AudioTrack;
import com.sedmelluq.discord.lavaplayer.track.AudioTrackEndReason;
import com.sedmelluq.discord.lavaplayer.track.AudioTrackInfo;
import com.valoratbot.core.port.PlayMusic.NowPlaying;
import com.valoratbot.core.port.PlayMusic.QueueView;
import com.valoratbot.core.port.PlayMusic.QueuedTrack;
import com.valoratbot.core.port.PlayMusic.Track;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Failure;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.result.Text;
import com.valoratbot.discord.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.audio.hooks.ConnectionListener;
import net.dv8tion.jda.api.audio.hooks.ConnectionStatus;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.channel.middleman.AudioChannel;
import net.dv8tion.jda.api.exceptions.InsufficientPermissionException;
import net.dv8tion.jda.api.managers.AudioManager;
import net.dv8tion.jda.api.utils.cache.CacheFlag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One guild's player and its lifecycle: join, play, queue, the idle timeout, leave. It holds a Lavaplayer
 * {@link AudioPlayer}, its queue and the voice channel it plays in. The fields are read and written only by tasks on
 * {@link #serial}; Lavaplayer's and JDA's callbacks (on their own threads) post tasks there and never touch the
 * state themselves. Every method but the callbacks runs on {@link #serial}.
 */
final class GuildPlayer extends AudioEventAdapter implements ConnectionListener {

    private static final Logger LOG = LoggerFactory.getLogger(GuildPlayer.class);
    private static final Set<ConnectionStatus> VOICE_LOST = EnumSet.of(
            ConnectionStatus.DISCONNECTED_KICKED_FROM_CHANNEL, ConnectionStatus.DISCONNECTED_CHANNEL_DELETED,
            ConnectionStatus.DISCONNECTED_REMOVED_FROM_GUILD, ConnectionStatus.DISCONNECTED_LOST_PERMISSION,
            ConnectionStatus.DISCONNECTED_REMOVED_DURING_RECONNECT,
                    ConnectionStatus.DISCONNECTED_AUTHENTICATION_FAILURE);

    /** Where a player's state is kept across restarts ({@link QueueRestore}). */
    interface Saver {
        /** Saves the player's queue and position, or forgets them when it has nothing to resume. */
        void save(GuildPlayer player);

        void forget(long guildId);
    }

    /**
     * What the players of one {@code MusicPlayers} share: the session, the rules' settings, where their state is saved,
     * and what to tell when a player ends (so the next command gets a fresh one).
     */
    record Shared(
            JDA jda,
            Duration idleTimeout,
            Duration saveInterval,
            int maxQueueLength,
            Saver saver,
            Consumer<GuildPlayer> ended) {}

    final long guildId;
    final SerialExecutor serial;
    final AudioPlayer player;
    final OpusSendHandler sender;
    private final Shared shared;

    // --- state, serial tasks only
    final List<AudioTrack> queue = new ArrayList<>();
    /** The channel it plays in (or was asked to join); 0 when not in voice. */
    long channelId;
    /** The channel of the last join request sent to Discord; 0 after leaving. */
    long joinRequestedChannelId;
    /** {@link System#nanoTime()} since when it has been idle or alone; 0 while it plays to someone. */
    long idleSinceNanos;

    long lastSavedNanos;
    boolean closed;
    /** The track last started part-way (a restored queue, a track re-queued after cleanup), and from where. */
    private AudioTrack resumed;

    private long resumedFromMs;

    volatile ConnectionStatus voiceStatus = ConnectionStatus.NOT_CONNECTED;

    GuildPlayer(long guildId, SerialExecutor serial, AudioPlayer player, Shared shared) {
        this.guildId = guildId;
        this.serial = serial;
        this.player = player;
        this.shared = shared;
        this.sender = new OpusSendHandler(player);
        player.addListener(this);
    }

    /** Makes {@code track} start at {@code positionMs} when it plays, and remembers it for {@link #positionOf}. */
    void resumeAt(AudioTrack track, long positionMs) {
        if (!track.isSeekable() || positionMs <= 0) return;
        track.setPosition(positionMs);
        resumed = track;
        resumedFromMs = positionMs;
    }

    /**
     * Where {@code track} is. Lavaplayer reports the last played frame's timecode once a pending seek is
     * applied, so a track started part-way reads 0 until voice pulls its first frame: seconds after a
     * restart. Never reporting (or saving) less than where it was resumed keeps getQueue right and a
     * second restart from losing the place; nothing seeks backwards, so the maximum is exact.
     */
    long positionOf(AudioTrack track) {
        long position = track.getPosition();
        return track == resumed ? Math.max(position, resumedFromMs) : position;
    }

    boolean active() {
        return player.getPlayingTrack() != null || !queue.isEmpty();
    }

    // ================================================================ commands

    /** {@code busy} while it plays or has a queue in another channel of the guild than {@code wanted}. */
    Result<Done> busy(Guild guild, AudioChannel wanted) {
        long current = connectedChannel(guild);
        if (current != 0 && current != wanted.getIdLong() && active()) {
            AudioChannel there = guild.getChannelById(AudioChannel.class, current);
            String name = there == null ? Long.toString(current) : "#" + there.getName();
            return Result.err(Failure.of(ErrorCode.BUSY, "busy", name).with("channelId", Long.toString(current)));
        }
        return Result.ok(Done.DONE);
    }

    /** Joins {@code audio} if needed, then plays the track now (position 0) or queues it (its 1-based place). */
    Result<QueuedTrack> enqueue(Guild guild, AudioChannel audio, AudioTrack track) {
        if (busy(guild, audio) instanceof Result.Err<Done>(Failure f)) return Result.err(f);
        if (queue.size() >= shared.maxQueueLength())
            return Result.err(ErrorCode.BUSY, "music.queue_full", shared.maxQueueLength());
        Result<Done> joined = join(guild, audio);
        if (joined instanceof Result.Err<Done>(Failure f)) return Result.err(f);
        int position;
        if (player.getPlayingTrack() == null) {
            player.setPaused(false);
            player.startTrack(track, false);
            position = 0;
        } else {
            queue.add(track);
            position = queue.size();
        }
        idleSinceNanos = 0;
        save();
        return Result.ok(new QueuedTrack(describe(track), position));
    }

    Result<Done> join(Guild guild, AudioChannel audio) {
        AudioManager voice = guild.getAudioManager();
        if (voice.getSendingHandler() != sender) voice.setSendingHandler(sender);
        if (voice.getConnectionListener() != this) voice.setConnectionListener(this);
        long connected = voice.getConnectedChannel() == null
                ? 0
                : voice.getConnectedChannel().getIdLong();
        // Not connected yet but already asked for this channel: Discord's answer is on its way.
        boolean joining = connected == 0 && joinRequestedChannelId == audio.getIdLong();
        if (connected != audio.getIdLong() && !joining) {
            try {
                voice.setSelfDeafened(true);
                voice.openAudioConnection(audio);
            } catch (InsufficientPermissionException e) {
                return Result.err(Connection.failureOf(e, audio));
            } catch (UnsupportedOperationException e) {
                return Result.err(ErrorCode.VOICE_UNAVAILABLE, "voice_unavailable", String.valueOf(e.getMessage()));
            } catch (IllegalStateException | IllegalArgumentException e) {
                return Result.err(ErrorCode.DISCORD_ERROR, "discord_error", String.valueOf(e.getMessage()));
            }
            joinRequestedChannelId = audio.getIdLong();
        }
        channelId = audio.getIdLong();
        return Result.ok(Done.DONE);
    }

    /** Pausing twice, or resuming what plays, is harmless: both are idempotent actions. */
    Result<Done> setPaused(boolean paused) {
        if (player.getPlayingTrack() == null) return nothingPlaying();
        player.setPaused(paused);
        save();
        return Result.ok(Done.DONE);
    }

    /** The next track plays (unpaused); on the last track, playback stops and the bot waits in the channel. */
    Result<Done> skip() {
        if (player.getPlayingTrack() == null) return nothingPlaying();
        player.setPaused(false);
        if (queue.isEmpty()) player.stopTrack();
        else player.startTrack(queue.removeFirst(), false);
        save();
        return Result.ok(Done.DONE);
    }

    /** Clears the queue and leaves the channel; {@code nothing_playing} when not in voice and nothing is queued. */
    Result<Done> stop() {
        if (!active() && joinRequestedChannelId == 0) return nothingPlaying();
        leave("stop");
        return Result.ok(Done.DONE);
    }

    QueueView view() {
        AudioTrack current = player.getPlayingTrack();
        Optional<NowPlaying> now = current == null
                ? Optional.empty()
                : Optional.of(new NowPlaying(describe(current), positionOf(current), player.isPaused()));
        return new QueueView(now, queue.stream().map(GuildPlayer::describe).toList());
    }

    Result<Done> remove(int index) {
        if (index < 0 || index >= queue.size()) return outOfRange(index, queue.size());
        queue.remove(index);
        save();
        return Result.ok(Done.DONE);
    }

    static Track describe(AudioTrack track) {
        AudioTrackInfo info = track.getInfo();
        long length = info.isStream || info.length == Long.MAX_VALUE ? 0 : info.length;
        return new Track(info.title, info.author, length, info.artworkUrl, info.uri);
    }

    static <T> Result<T> nothingPlaying() {
        return Result.err(ErrorCode.NOTHING_PLAYING, "nothing_playing");
    }

    static Result<Done> outOfRange(int index, int size) {
        Text why = size == 0 ? Text.of("music.queue_empty", index) : Text.of("music.queue_index", size - 1, index);
        return Result.err(new Failure(ErrorCode.INVALID_PAYLOAD, Text.of("invalid_payload", List.of(why)), Map.of()));
    }

    // ================================================================ leaving

    /** Stops, forgets the queue (here and in the store) and leaves the voice channel. */
    void leave(String why) {
        LOG.info("guild {}: leaving voice ({})", guildId, why);
        closed = true;
        queue.clear();
        player.setPaused(false);
        player.destroy();
        disconnect();
        joinRequestedChannelId = 0;
        channelId = 0;
        shared.ended().accept(this);
        shared.saver().forget(guildId);
    }

    /** Saves the queue and position, then leaves voice keeping them, for the next {@code MusicPlayers} to resume. */
    boolean shutDown() {
        if (closed) return false;
        save();
        closed = true;
        disconnect();
        player.destroy();
        return true;
    }

    /** Hands the guild's voice connection back: this player no longer sends or listens, and the bot leaves the call. */
    private void disconnect() {
        Guild guild = shared.jda().getGuildById(guildId);
        if (guild == null) return;
        AudioManager voice = guild.getAudioManager();
        if (voice.getConnectionListener() == this) voice.setConnectionListener(null);
        if (voice.getSendingHandler() == sender) voice.setSendingHandler(null);
        voice.closeAudioConnection();
    }

    /** Leaves after {@code idleTimeout} without playing to anyone; saves the position every {@code saveInterval}. */
    void checkIdle() {
        if (closed) return;
        if (!active() && joinRequestedChannelId == 0) {
            // A player made for a play that did not start (nothing found, busy): drop it quietly.
            closed = true;
            shared.ended().accept(this);
            player.destroy();
            return;
        }
        JDA jda = shared.jda();
        Guild guild = jda.getGuildById(guildId);
        if (guild == null) {
            if (jda.getStatus() == JDA.Status.CONNECTED && !jda.isUnavailable(guildId))
                leave("the bot is no longer in the guild");
            return;
        }
        long now = System.nanoTime();
        boolean connected = guild.getAudioManager().getConnectionStatus() == ConnectionStatus.CONNECTED;
        boolean playing = player.getPlayingTrack() != null && !player.isPaused();
        if (playing && connected && !alone(guild)) {
            idleSinceNanos = 0;
        } else if (idleSinceNanos == 0) {
            idleSinceNanos = now;
        } else if (now - idleSinceNanos >= shared.idleTimeout().toNanos()) {
            leave("idle or alone for " + shared.idleTimeout().toSeconds() + " s");
            return;
        }
        if (player.getPlayingTrack() != null
                && now - lastSavedNanos >= shared.saveInterval().toNanos()) save();
    }

    /** Nobody but bots in the channel. Unknown (treated as company) when JDA does not cache voice states. */
    private boolean alone(Guild guild) {
        JDA jda = shared.jda();
        if (!jda.getCacheFlags().contains(CacheFlag.VOICE_STATE)) return false;
        long channel = connectedChannel(guild);
        AudioChannel there = channel == 0 ? null : guild.getChannelById(AudioChannel.class, channel);
        if (there == null) return true;
        return there.getMembers().stream()
                .noneMatch(m -> !m.getUser().isBot()
                        && m.getIdLong() != jda.getSelfUser().getIdLong());
    }

    private long connectedChannel(Guild guild) {
        AudioChannel connected = guild.getAudioManager().getConnectedChannel();
        if (connected != null) return connected.getIdLong();
        return channelId;
    }

    private void save() {
        if (!closed) shared.saver().save(this);
    }

    // ================================================================ Lavaplayer's and JDA's events

    @Override
    public void onTrackEnd(AudioPlayer p, AudioTrack track, AudioTrackEndReason reason) {
        serial.execute(() -> trackEnded(track, reason));
    }

    private void trackEnded(AudioTrack track, AudioTrackEndReason reason) {
        if (closed) return;
        if (reason == AudioTrackEndReason.CLEANUP) {
            // Nobody pulled audio for a long time (voice down): keep the track where it was for when voice is back.
            AudioTrack again = track.makeClone();
            resumeAt(again, positionOf(track));
            queue.addFirst(again);
        }
        if (reason.mayStartNext || reason == AudioTrackEndReason.CLEANUP) {
            if (player.getPlayingTrack() == null && !queue.isEmpty()) {
                player.startTrack(queue.removeFirst(), false);
            }
        }
        save();
    }

    @Override
    public void onTrackException(AudioPlayer p, AudioTrack track, FriendlyException exception) {
        LOG.warn("guild {}: track {} failed: {}", guildId, track.getInfo().uri, exception.getMessage());
    }

    @Override
    public void onTrackStuck(AudioPlayer p, AudioTrack track, long thresholdMs) {
        LOG.warn("guild {}: track {} gave no audio for {} ms", guildId, track.getInfo().uri, thresholdMs);
    }

    /** JDA's voice connection events (its audio threads, under its connection lock). */
    @Override
    public void onStatusChange(ConnectionStatus status) {
        voiceStatus = status;
        serial.execute(() -> {
            if (closed) return;
            LOG.debug("guild {}: voice {}", guildId, status);
            if (VOICE_LOST.contains(status)) leave("voice connection ended: " + status);
        });
    }
}

package com.valoratbot.discord.music;

import com.sedmelluq.discord.lavaplayer.player.AudioPlayer;
import com.sedmelluq.discord.lavaplayer.player.event.AudioEventAdapter;
import com.sedmelluq.discord.lavaplayer.tools.FriendlyException;
import com.sedmelluq.discord.lavaplayer.track.AudioTrack;
import com.sedmelluq.discord.lavaplayer.track.AudioTrackEndReason;
import net.dv8tion.jda.api.audio.hooks.ConnectionListener;
import net.dv8tion.jda.api.audio.hooks.ConnectionStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * One guild's player: a Lavaplayer {@link AudioPlayer}, its queue and the voice channel it plays in. The fields
 * are read and written only by tasks on {@link #serial}; Lavaplayer's and JDA's callbacks (on their own threads)
 * post tasks there and never touch the state themselves.
 */
final class GuildPlayer extends AudioEventAdapter implements ConnectionListener {

    private static final Logger LOG = LoggerFactory.getLogger(GuildPlayer.class);

    interface Events {
        void trackEnded(GuildPlayer guild, AudioTrack track, AudioTrackEndReason reason);

        void voiceStatus(GuildPlayer guild, ConnectionStatus status);
    }

    final long guildId;
    final SerialExecutor serial;
    final AudioPlayer player;
    final OpusSendHandler sender;
    private final Events events;

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

    GuildPlayer(long guildId, SerialExecutor serial, AudioPlayer player, Events events) {
        this.guildId = guildId;
        this.serial = serial;
        this.player = player;
        this.events = events;
        this.sender = new OpusSendHandler(player);
        player.addListener(this);
    }

    boolean active() {
        return player.getPlayingTrack() != null || !queue.isEmpty();
    }

    // --- Lavaplayer events (JDA's send thread or the caller of startTrack/stopTrack)

    @Override
    public void onTrackEnd(AudioPlayer p, AudioTrack track, AudioTrackEndReason reason) {
        serial.execute(() -> events.trackEnded(this, track, reason));
    }

    @Override
    public void onTrackException(AudioPlayer p, AudioTrack track, FriendlyException exception) {
        LOG.warn("guild {}: track {} failed: {}", guildId, track.getInfo().uri, exception.getMessage());
    }

    @Override
    public void onTrackStuck(AudioPlayer p, AudioTrack track, long thresholdMs) {
        LOG.warn("guild {}: track {} gave no audio for {} ms", guildId, track.getInfo().uri, thresholdMs);
    }

    // --- JDA voice connection events (JDA's audio threads, under its connection lock)

    @Override
    public void onStatusChange(ConnectionStatus status) {
        voiceStatus = status;
        serial.execute(() -> events.voiceStatus(this, status));
    }
}

package com.valoratbot.discord.music;

import com.sedmelluq.discord.lavaplayer.format.StandardAudioDataFormats;
import com.sedmelluq.discord.lavaplayer.player.AudioPlayer;
import com.sedmelluq.discord.lavaplayer.track.playback.MutableAudioFrame;
import java.nio.ByteBuffer;
import net.dv8tion.jda.api.audio.AudioSendHandler;

/**
 * Lavaplayer → JDA, one Opus frame every 20 ms, without allocating: Lavaplayer copies each frame into one reused
 * direct buffer (direct, so JDA and DAVE's native encryption read it without another copy). JDA's send thread is
 * the only caller of both methods, in order: {@link #canProvide()} then {@link #provide20MsAudio()}.
 */
final class OpusSendHandler implements AudioSendHandler {

    private final AudioPlayer player;
    private final ByteBuffer buffer;
    private final MutableAudioFrame frame = new MutableAudioFrame();

    OpusSendHandler(AudioPlayer player) {
        this.player = player;
        this.buffer = ByteBuffer.allocateDirect(StandardAudioDataFormats.DISCORD_OPUS.maximumChunkSize());
        this.frame.setBuffer(buffer);
    }

    @Override
    public boolean canProvide() {
        return player.provide(frame);
    }

    @Override
    public ByteBuffer provide20MsAudio() {
        return buffer.flip();
    }

    @Override
    public boolean isOpus() {
        return true;
    }
}

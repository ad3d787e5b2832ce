package com.valoratbot.discord.music;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.neovisionaries.ws.client.WebSocketFactory;
import com.valoratbot.core.command.Command.Play;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.QueuedCommand;
import com.valoratbot.core.run.CommandHandler;
import com.valoratbot.core.run.Ports;
import com.valoratbot.core.text.Language;
import com.valoratbot.standin.DemoGuild;
import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.standin.StandInJda;
import com.valoratbot.standin.voice.VoiceServer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.UUID;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.utils.ChunkingFilter;
import net.dv8tion.jda.api.utils.MemberCachePolicy;

/**
 * The stand-in with its voice server, the demo guild (voice channels {@code Vocal} and {@code AFK}), a local server
 * of WAV tones, and real JDAs logged in to it the way the Discord adapter does, plus {@link MusicPlayers#configure}
 * in passthrough mode and a WebSocket factory trusting the voice gateway's certificate.
 */
final class MusicRig implements AutoCloseable {

    static final long GUILD = DemoGuild.GUILD_ID;
    static final long VOCAL = DemoGuild.VOCAL_ID;
    static final long AFK = DemoGuild.AFK_ID;
    static final long LISTENER = DemoGuild.ALICE_ID;

    final VoiceServer voice;
    final DiscordStandIn standIn;
    final ToneServer tones = new ToneServer();

    private MusicRig(VoiceServer voice, DiscordStandIn standIn) {
        this.voice = voice;
        this.standIn = standIn;
    }

    static MusicRig start() {
        VoiceServer voice = VoiceServer.start();
        DiscordStandIn standIn =
                DiscordStandIn.builder().port(0).voiceHook(voice).build().start();
        DemoGuild.seed(standIn.state());
        return new MusicRig(voice, standIn);
    }

    /** Alice sits in {@code channel}, so the bot is not alone there. */
    void listenerIn(Long channel) {
        standIn.state().setVoiceState(GUILD, LISTENER, channel, false);
    }

    JDA connect() {
        JDABuilder builder = StandInJda.pointAt(
                JDABuilder.create(
                                standIn.botToken(),
                                EnumSet.of(GatewayIntent.GUILD_VOICE_STATES, GatewayIntent.GUILD_MESSAGES))
                        .setMemberCachePolicy(MemberCachePolicy.VOICE.or(MemberCachePolicy.OWNER))
                        .setChunkingFilter(ChunkingFilter.NONE)
                        .setWebsocketFactory(new WebSocketFactory()
                                .setSSLContext(voice.certificate().clientContext())),
                standIn);
        MusicPlayers.configure(builder, VoiceMode.PASSTHROUGH);
        try {
            return builder.build().awaitReady();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void shutdown(JDA jda) {
        try {
            StandInJda.shutdown(jda);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static CommandContext context() {
        return new CommandContext(UUID.randomUUID().toString(), Snowflake.of(GUILD), Optional.empty());
    }

    static Play play(String query, long channel) {
        return new Play(query, Snowflake.of(channel));
    }

    /** Runs one dashboard row through the core's handler, as the worker does, and returns its result JSON. */
    static ObjectNode command(MusicPlayers music, String action, String payload) {
        CommandHandler handler = CommandHandler.builder(
                        Ports.builder().music(music).build())
                .language(Language.EN)
                .build();
        var completion = handler.handle(new QueuedCommand(
                UUID.randomUUID().toString(), Long.toString(GUILD), action, payload, Optional.empty(), Duration.ZERO));
        return CommandHandler.readResult(completion.resultJson());
    }

    long audioFrames() {
        return voice.audioFrames(GUILD);
    }

    /** Frames that arrive during {@code millis}. */
    long framesDuring(long millis) {
        long before = audioFrames();
        sleep(millis);
        return audioFrames() - before;
    }

    boolean botInVoice() {
        return standIn.state().voiceState(GUILD, standIn.botUserId()).isPresent();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        tones.close();
        standIn.close();
        voice.close();
    }
}

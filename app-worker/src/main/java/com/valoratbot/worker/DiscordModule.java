package com.valoratbot.worker;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.valoratbot.core.port.RememberLocks;
import com.neovisionaries.ws.client.WebSocketFactory;
import com.valoratbot.discord.DiscordGateway;
import com.valoratbot.discord.music.MusicPlayers;
import com.valoratbot.core.port.music.QueueStore;
import com.valoratbot.standin.voice.VoiceServer;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.music.PostgresMusicQueues;
import com.valoratbot.standin.DemoGuild;
import com.valoratbot.standin.DiscordStandIn;

import java.util.Optional;

/**
 * Discord through JDA: the real one with {@code DISCORD_TOKEN}, or, in sandbox mode, the local
 * stand-in started in this process with its demo guild, so the whole system runs without a token.
 */
final class DiscordModule extends AbstractModule {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DiscordModule.class);

    @Provides
    @Singleton
    Optional<DiscordStandIn> sandbox(WorkerConfig config, Optional<VoiceServer> voice, Lifecycle lifecycle) {
        if (!config.sandbox()) return Optional.empty();
        DiscordStandIn standIn = lifecycle.manage(DiscordStandIn.builder().port(config.sandboxPort())
                .voiceHook(voice.orElseThrow()).build().start());
        DemoGuild.seed(standIn.state());
        LOG.info("sandbox: Discord stand-in on {} with the demo guild {} ({}); its state: {}",
                standIn.baseUrl(), DemoGuild.GUILD_ID, DemoGuild.GUILD_NAME, standIn.stateUrl());
        return Optional.of(standIn);
    }

    /** The sandbox's voice server lets music play into the demo guild's voice channel and counts the frames. */
    @Provides
    @Singleton
    Optional<VoiceServer> sandboxVoice(WorkerConfig config, Lifecycle lifecycle) {
        return config.sandbox() ? Optional.of(lifecycle.manage(VoiceServer.start())) : Optional.empty();
    }

    @Provides
    @Singleton
    DiscordGateway discord(WorkerConfig config, Optional<DiscordStandIn> sandbox, Optional<VoiceServer> sandboxVoice,
                           RememberLocks lockMemory, Lifecycle lifecycle) {
        DiscordGateway.Builder b = DiscordGateway.builder()
                .configureJda(jda -> {
                    MusicPlayers.configure(jda, config.voiceMode());
                    // JDA always speaks wss:// to voice servers: trust the sandbox voice server's own certificate.
                    sandboxVoice.ifPresent(v ->
                            jda.setWebsocketFactory(new WebSocketFactory().setSSLContext(v.certificate().clientContext())));
                })
                .lockMemory(lockMemory)
                .rateLimit(config.guildCommandsPerWindow(), config.guildWindow())
                .purgeRateLimit(1, config.purgeInterval());
        if (sandbox.isPresent()) {
            b.token(sandbox.get().botToken()).restBaseUrl(sandbox.get().restBaseUrl()).gatewayUrl(sandbox.get().gatewayUrl());
        } else {
            b.token(config.discordToken().orElseThrow());
            // A REST proxy, or a stand-in in another process (the memory benchmark uses this).
            config.discordRestUrl().ifPresent(b::restBaseUrl);
            config.discordGatewayUrl().ifPresent(b::gatewayUrl);
        }
        return lifecycle.manage(b.build().start());
    }

    /** Created after Discord, so closed before it: queues are saved and voice left while JDA still runs. */
    @Provides
    @Singleton
    MusicPlayers music(DiscordGateway discord, Database db, WorkerConfig config, DashboardModule.PlaybackFeed playback, Lifecycle lifecycle) {
        PostgresMusicQueues queues = PostgresMusicQueues.on(db);
        return lifecycle.manage(MusicPlayers.builder(discord.jda())
                .voiceMode(config.voiceMode())
                .searchProvider(config.musicSearchProvider())
                .idleTimeout(config.musicIdleTimeout())
                .allowLocalFiles(config.musicLocalFiles())
                .allowPrivateAddresses(config.musicPrivateUrls())
                .queueStore(playback.around(QueueStore.of(queues::loadAll, queues::save, queues::delete)))
                .build());
    }
}

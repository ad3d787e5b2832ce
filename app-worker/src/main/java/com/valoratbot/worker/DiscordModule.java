package com.valoratbot.worker;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.valoratbot.core.port.RememberLocks;
import com.valoratbot.discord.DiscordGateway;
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
    Optional<DiscordStandIn> sandbox(WorkerConfig config, Lifecycle lifecycle) {
        if (!config.sandbox()) return Optional.empty();
        DiscordStandIn standIn = lifecycle.manage(DiscordStandIn.builder().port(config.sandboxPort()).build().start());
        DemoGuild.seed(standIn.state());
        LOG.info("sandbox: Discord stand-in on {} with the demo guild {} ({}); its state: {}",
                standIn.baseUrl(), DemoGuild.GUILD_ID, DemoGuild.GUILD_NAME, standIn.stateUrl());
        return Optional.of(standIn);
    }

    @Provides
    @Singleton
    DiscordGateway discord(WorkerConfig config, Optional<DiscordStandIn> sandbox, RememberLocks lockMemory, Lifecycle lifecycle) {
        DiscordGateway.Builder b = DiscordGateway.builder()
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
}

package com.valoratbot.standin;

import java.util.EnumSet;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.ChunkingFilter;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.MemberCachePolicy;
import net.dv8tion.jda.api.utils.SessionControllerAdapter;

/**
 * How a real, unmodified JDA is pointed at the stand-in: only JDA's own configuration hooks.
 *
 * <p>Main code (not a test class) so that this module's tests, the shared test fixtures and an
 * embedding bot's own tests use one copy. JDA is an optional dependency of this module: whoever
 * calls this class has JDA already.
 */
public final class StandInJda {

    private StandInJda() {}

    /** Sends JDA's Gateway connection (and its gateway discovery) to the stand-in. */
    public static final class StandInSessionController extends SessionControllerAdapter {
        private final String gatewayUrl;

        public StandInSessionController(String gatewayUrl) {
            this.gatewayUrl = gatewayUrl;
        }

        @Override
        public String getGateway() {
            return gatewayUrl;
        }

        @Override
        public ShardedGateway getShardedGateway(JDA api) {
            return new ShardedGateway(gatewayUrl, 1);
        }
    }

    /** Points a JDA builder made elsewhere (its own intents, cache, listeners) at the stand-in. */
    public static JDABuilder pointAt(JDABuilder builder, DiscordStandIn standIn) {
        return builder.setRestConfig(new RestConfig().setBaseUrl(standIn.restBaseUrl()))
                .setSessionController(new StandInSessionController(standIn.gatewayUrl()))
                .setCompression(Compression.NONE)
                .setEnableShutdownHook(false);
    }

    /** A bot with the intents and member cache the project's bot uses, logged in with the stand-in's token. */
    public static JDABuilder builder(DiscordStandIn standIn) {
        return pointAt(
                JDABuilder.createDefault(standIn.botToken())
                        .enableIntents(EnumSet.of(
                                GatewayIntent.GUILD_MEMBERS,
                                GatewayIntent.MESSAGE_CONTENT,
                                GatewayIntent.GUILD_MESSAGES,
                                GatewayIntent.GUILD_VOICE_STATES))
                        .setMemberCachePolicy(MemberCachePolicy.ALL)
                        .setChunkingFilter(ChunkingFilter.ALL),
                standIn);
    }

    /** Logs in and waits for READY. */
    public static JDA connect(DiscordStandIn standIn, Object... listeners) throws InterruptedException {
        JDA jda = builder(standIn).addEventListeners(listeners).build();
        jda.awaitReady();
        return jda;
    }

    /** Shuts JDA down at once and waits until it has. */
    public static void shutdown(JDA jda) throws InterruptedException {
        if (jda != null) {
            jda.shutdownNow();
            jda.awaitShutdown();
        }
    }
}

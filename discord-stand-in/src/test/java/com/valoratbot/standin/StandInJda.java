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

/** How a real, unmodified JDA is pointed at the stand-in: only JDA's own configuration hooks. */
final class StandInJda {

    private StandInJda() {}

    /** Sends JDA's Gateway connection (and its gateway discovery) to the stand-in. */
    static final class StandInSessionController extends SessionControllerAdapter {
        private final String gatewayUrl;

        StandInSessionController(String gatewayUrl) {
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

    static JDABuilder builder(DiscordStandIn standIn) {
        return JDABuilder.createDefault(standIn.botToken())
                .enableIntents(EnumSet.of(GatewayIntent.GUILD_MEMBERS, GatewayIntent.MESSAGE_CONTENT,
                        GatewayIntent.GUILD_MESSAGES, GatewayIntent.GUILD_VOICE_STATES))
                .setMemberCachePolicy(MemberCachePolicy.ALL)
                .setChunkingFilter(ChunkingFilter.ALL)
                .setRestConfig(new RestConfig().setBaseUrl(standIn.restBaseUrl()))
                .setSessionController(new StandInSessionController(standIn.gatewayUrl()))
                .setCompression(Compression.NONE)
                .setEnableShutdownHook(false);
    }

    static JDA connect(DiscordStandIn standIn, Object... listeners) throws InterruptedException {
        JDA jda = builder(standIn).addEventListeners(listeners).build();
        jda.awaitReady();
        return jda;
    }

    static void shutdown(JDA jda) throws InterruptedException {
        if (jda != null) {
            jda.shutdownNow();
            jda.awaitShutdown();
        }
    }
}

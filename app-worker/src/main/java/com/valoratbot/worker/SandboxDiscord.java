package com.valoratbot.worker;

import com.neovisionaries.ws.client.WebSocketFactory;
import com.valoratbot.standin.DemoGuild;
import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.standin.voice.VoiceServer;
import net.dv8tion.jda.api.JDABuilder;

/**
 * The sandbox's Discord: the local stand-in with its demo guild, started in this process, and its
 * voice server (music plays into the demo guild's voice channel, which counts the frames), so the
 * whole system runs without a token. Started before the front door, closed after it.
 */
final class SandboxDiscord implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SandboxDiscord.class);

    private final VoiceServer voice;
    private final DiscordStandIn standIn;

    private SandboxDiscord(VoiceServer voice, DiscordStandIn standIn) {
        this.voice = voice;
        this.standIn = standIn;
    }

    /**
     * @param certificate where the voice server's certificate is kept between starts (made when
     *                    missing or about to expire): making one loads Bouncy Castle, most of a second
     */
    static SandboxDiscord start(int port, java.nio.file.Path certificate) {
        return start(port, certificate, 1);
    }

    /**
     * @param shards the shard total the stand-in recommends; past 1 (a sandbox with
     *               {@code VALORATBOT_SHARDS}), each shard the demo guild is not on gets a small guild
     *               of its own, so every shard of docs/scaling.md's topologies has a guild to serve
     */
    static SandboxDiscord start(int port, java.nio.file.Path certificate, int shards) {
        VoiceServer voice = VoiceServer.builder()
                .certificate(com.valoratbot.standin.voice.SelfSignedCertificate.keptIn(certificate))
                .build()
                .startServer();
        try {
            DiscordStandIn standIn = DiscordStandIn.builder()
                    .port(port)
                    .voiceHook(voice)
                    .recommendedShards(shards)
                    .build()
                    .start();
            DemoGuild.seed(standIn.state());
            for (int shard = 0; shard < shards; shard++) {
                if (shardOf(DemoGuild.GUILD_ID, shards) == shard) continue;
                long guild = guildOnShard(shard, shards);
                standIn.state()
                        .createGuild(guild, "Sandbox shard " + shard)
                        .textChannel(guild + 100, "general")
                        .member(guild + 900, "member" + shard, false);
                LOG.info("sandbox: guild {} (Sandbox shard {}) on shard {} of {}", guild, shard, shard, shards);
            }
            LOG.info(
                    "sandbox: Discord stand-in on {} with the demo guild {} ({}); its state: {}",
                    standIn.baseUrl(),
                    DemoGuild.GUILD_ID,
                    DemoGuild.GUILD_NAME,
                    standIn.stateUrl());
            return new SandboxDiscord(voice, standIn);
        } catch (RuntimeException e) {
            voice.close();
            throw e;
        }
    }

    /** Discord's rule: a guild lives on shard {@code (id >> 22) % total}. */
    static int shardOf(long guildId, int total) {
        return (int) ((guildId >>> 22) % total);
    }

    /** The first snowflake after the demo guild's that lives on {@code shard} of {@code total}. */
    static long guildOnShard(int shard, int total) {
        long k = (DemoGuild.GUILD_ID >>> 22) + 1;
        while (k % total != shard) k++;
        return k << 22;
    }

    /** The bot's shard sessions against the stand-in, trusting the voice server's own certificate as {@link #jdaBuilder} does. */
    net.dv8tion.jda.api.sharding.DefaultShardManagerBuilder shardManagerBuilder(
            net.dv8tion.jda.api.sharding.DefaultShardManagerBuilder lean) {
        return lean.setWebsocketFactory(
                new WebSocketFactory().setSSLContext(voice.certificate().clientContext()));
    }

    DiscordStandIn standIn() {
        return standIn;
    }

    /** The bot's session against the stand-in: the worker's lean builder, trusting the voice server's own certificate. */
    JDABuilder jdaBuilder(JDABuilder lean) {
        // JDA always speaks wss:// to voice servers.
        return lean.setWebsocketFactory(
                new WebSocketFactory().setSSLContext(voice.certificate().clientContext()));
    }

    @Override
    public void close() {
        try {
            standIn.close();
        } finally {
            voice.close();
        }
    }
}

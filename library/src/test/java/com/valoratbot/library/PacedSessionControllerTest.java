package com.valoratbot.library;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.shard.ShardPlan;
import com.valoratbot.discord.DiscordGateway;
import com.valoratbot.discord.music.VoiceMode;
import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.supabase.TestDatabase;
import com.valoratbot.supabase.shard.PostgresIdentifySlots;
import com.valoratbot.testing.Eventually;
import com.valoratbot.testing.TestStandIn;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.requests.RestConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * IDENTIFY pacing across processes holds a key only as long as Discord's rule needs: 5 s from the
 * IDENTIFY or from the holder's last sign of life, so a process killed while connecting no longer
 * blocks the key for 30 s, and pacing stays correct (the stand-in refuses an IDENTIFY sooner than 5 s).
 */
class PacedSessionControllerTest {

    @RegisterExtension
    static final TestDatabase db = TestDatabase.migrated();

    @RegisterExtension
    static final TestStandIn discord = TestStandIn.with(
                    b -> b.botToken("paced-token").recommendedShards(4).identifyRateLimit(Duration.ofSeconds(5)))
            .seeded(state -> {
                for (int shard = 0; shard < 4; shard++) {
                    long id = guildOnShard(shard, 4);
                    state.createGuild(id, "Guild " + shard).textChannel(id + 1, "general");
                }
            });

    static long guildOnShard(int shard, int count) {
        long k = 1_300_000_000_000_000_000L >>> 22;
        while (k % count != shard) k++;
        return k << 22;
    }

    @Test
    void aProcessThatDiesWhileConnectingBlocksTheIdentifyKeyAtMostFiveSeconds() throws Exception {
        DiscordStandIn standIn = discord.standIn();
        PostgresIdentifySlots slots = PostgresIdentifySlots.on(db.database());
        // A gateway that accepts the TCP connection and never answers: the session stays connecting.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new ArrayList<>();
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) accepted.add(silent.accept());
                } catch (Exception closed) {
                    // the test is over
                }
            });
            PacedSessionController dying = new PacedSessionController(
                    slots, "dying", "ws://127.0.0.1:" + silent.getLocalPort(), standIn.restBaseUrl(), -1);
            JDA jda = DiscordGateway.leanJdaBuilder(standIn.botToken())
                    .setRestConfig(new RestConfig().setBaseUrl(standIn.restBaseUrl()))
                    .setSessionController(dying)
                    .build();
            try {
                Eventually.within(
                        Duration.ofSeconds(30),
                        "the dying process holds the key",
                        () -> "dying".equals(db.value("SELECT last_worker_id FROM valoratbot.shard_identify")));
                // Renewed while connecting, beyond the 5 s a dead holder may keep the key.
                Thread.sleep(6_000);
                assertThat(slots.take("other", 0, 1, Duration.ofSeconds(5), Duration.ofSeconds(5)))
                        .as("a live holder still connecting keeps the key")
                        .isPositive();

                // The process dies: its controller renews nothing more (its session stays stuck).
                dying.close();
                long died = System.nanoTime();
                Duration waited = null;
                while (waited == null) {
                    if (slots.take("other", 0, 1, Duration.ofSeconds(5), Duration.ofSeconds(5))
                            .isZero()) waited = Duration.ofNanos(System.nanoTime() - died);
                    else Thread.sleep(50);
                    assertThat(Duration.ofNanos(System.nanoTime() - died)).isLessThan(Duration.ofSeconds(20));
                }
                assertThat(waited)
                        .as("the key is free again 5 s after the holder's last renewal, not 30 s")
                        .isLessThanOrEqualTo(Duration.ofMillis(5_500));
            } finally {
                jda.shutdownNow();
                for (Socket s : accepted) s.close();
            }
        }
    }

    @Test
    void twoProcessesStartingFourShardsNeverIdentifyFasterThanDiscordAllowsAndDoNotWaitForEachReady() throws Exception {
        DiscordStandIn standIn = discord.standIn();
        int refusedBefore = standIn.gatewayStats().rateLimitedIdentifies();
        int identifiesBefore = standIn.gatewayStats().identifies();
        List<ShardedValoratbot> processes = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < 2; i++)
                processes.add(ShardedValoratbot.create(
                                DiscordGateway.leanShardManagerBuilder(standIn.botToken()),
                                db.settings().poolSize(4).build())
                        .plan(new ShardPlan.Dynamic(4, 2))
                        .discordEndpoints(standIn.restBaseUrl(), standIn.gatewayUrl())
                        .voiceMode(VoiceMode.PASSTHROUGH) // the stand-in speaks DAVE version 0 only
                        .start());
            Eventually.within(
                    Duration.ofSeconds(90),
                    "four shards running",
                    () -> processes.stream()
                                    .mapToInt(p -> p.runningShards().size())
                                    .sum()
                            == 4);
            Duration allReady = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(standIn.gatewayStats().rateLimitedIdentifies() - refusedBefore)
                    .as("no IDENTIFY refused for coming sooner than 5 s after another")
                    .isZero();
            assertThat(standIn.gatewayStats().identifies() - identifiesBefore).isEqualTo(4);
            // Three 5 s windows between four IDENTIFYs (15 s), plus start-up: far below 30 s.
            assertThat(allReady).isLessThan(Duration.ofSeconds(45));
        } finally {
            for (ShardedValoratbot p : processes) p.close();
        }
    }
}

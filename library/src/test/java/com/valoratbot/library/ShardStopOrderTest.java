package com.valoratbot.library;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.shard.ShardPlan;
import com.valoratbot.discord.DiscordGateway;
import com.valoratbot.discord.music.VoiceMode;
import com.valoratbot.standin.DemoGuild;
import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.standin.StandInMessage;
import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.TestDatabase;
import com.valoratbot.testing.Eventually;
import com.valoratbot.testing.TestStandIn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.events.GenericEvent;
import net.dv8tion.jda.api.events.StatusChangeEvent;
import net.dv8tion.jda.api.hooks.EventListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The order in which a shard is given up ({@code ShardedValoratbot}'s stop: stop claiming, hand the
 * buffered rows back, then cut the session), on its own. One slot, held by a long command; three
 * announces claimed ahead into the buffer; then the lease is taken from under the process. At the
 * moment the session starts shutting down, the three are already {@code pending} again with their
 * attempt given back; once the shard is won again each runs exactly once, none answered
 * {@code guild_not_found}.
 */
class ShardStopOrderTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final long[] OTHERS = {
        1_200_000_000_000_000_001L, 1_300_000_000_000_000_001L, 1_400_000_000_000_000_001L
    };

    @RegisterExtension
    static final TestStandIn discord = TestStandIn.with(b -> b.botToken("stop-order-token"))
            .seeded(state -> {
                DemoGuild.seed(state);
                for (long g : OTHERS) state.createGuild(g, "Other " + g).textChannel(g + 100, "general");
            });

    /** What the buffered commands' rows said when the session began shutting down (its first status change). */
    static final class AtShutdown implements EventListener {
        final Map<String, List<Object>> seen = new ConcurrentHashMap<>();
        volatile long atNanos;
        volatile List<String> ids = List.of();

        @Override
        public void onEvent(GenericEvent event) {
            if (event instanceof StatusChangeEvent change
                    && change.getNewStatus() == JDA.Status.SHUTTING_DOWN
                    && !ids.isEmpty()
                    && atNanos == 0) {
                atNanos = System.nanoTime();
                // Runs on the thread shutting the session down, before the socket is closed.
                try {
                    look();
                } catch (RuntimeException | Error e) {
                    failure = e;
                } finally {
                    looked.countDown();
                }
            }
        }

        volatile Throwable failure;
        final java.util.concurrent.CountDownLatch looked = new java.util.concurrent.CountDownLatch(1);

        private void look() {
            {
                for (String id : ids)
                    seen.put(
                            id,
                            db.query(
                                            "SELECT c.status, coalesce(r.claims, 0) FROM commands c"
                                                    + " LEFT JOIN valoratbot.command_runs r ON r.command_id = c.id::text"
                                                    + " WHERE c.id = ?::uuid",
                                            id)
                                    .get(0));
            }
        }
    }

    @Test
    void aShardGivenUpHandsItsBufferedCommandsBackUnrunBeforeItsSessionIsCutAndEachRunsOnceLater() throws Exception {
        DiscordStandIn standIn = discord.standIn();
        Database database = db.open();
        ShardedGracefulStopTest.Hold hold = new ShardedGracefulStopTest.Hold();
        AtShutdown atShutdown = new AtShutdown();
        Duration lease = Duration.ofSeconds(3); // renewed every second: the loss is seen within one
        try {
            ShardedValoratbot bot = ShardedValoratbot.create(
                            DiscordGateway.leanShardManagerBuilder(standIn.botToken())
                                    .addEventListeners(atShutdown),
                            database.dataSource(),
                            db.settings().build())
                    .plan(new ShardPlan.Static(1, 0, 0))
                    .lease(lease)
                    .discordEndpoints(standIn.restBaseUrl(), standIn.gatewayUrl())
                    .voiceMode(VoiceMode.PASSTHROUGH)
                    .eachShard(b -> b.action(hold)
                            .customActionTimeout(Duration.ofSeconds(60))
                            .maxInFlight(1))
                    .start();
            try {
                Eventually.within(
                        Duration.ofSeconds(60),
                        "shard 0 ready",
                        () -> db.count("SELECT count(*) FROM valoratbot.shard_leases WHERE ready_at IS NOT NULL") == 1);
                CommandAdmin admin = CommandAdmin.on(database);
                String held = admin.enqueue(Long.toString(DemoGuild.GUILD_ID), "HOLD_ON", "{}", null);
                assertThat(hold.running.await(30, TimeUnit.SECONDS))
                        .as("the long command holds the only slot")
                        .isTrue();

                List<String> buffered = new ArrayList<>();
                for (long g : OTHERS)
                    buffered.add(admin.enqueue(
                            Long.toString(g),
                            "announce",
                            "{\"channelId\":\"" + (g + 100) + "\",\"message\":\"once " + g + "\"}",
                            null));
                atShutdown.ids = List.copyOf(buffered);
                // Claimed ahead: processing, but no slot to run in.
                Eventually.within(
                        Duration.ofSeconds(10),
                        "the three claimed into the buffer",
                        () -> db.count(
                                        "SELECT count(*) FROM commands WHERE status = 'processing' AND id::text = ANY(?)",
                                        (Object) buffered.toArray(String[]::new))
                                == 3);
                long bufferedAt = System.nanoTime();

                // Another owner takes the lease (a newer epoch): the next renewal finds it lost.
                db.execute("UPDATE valoratbot.shard_leases SET owner_worker_id = 'another-process', epoch = epoch + 1,"
                        + " lease_expires_at = clock_timestamp() + interval '6 seconds' WHERE shard_id = 0");
                assertThat(atShutdown.looked.await(10, TimeUnit.SECONDS))
                        .as("the session shutting down")
                        .isTrue();
                if (atShutdown.failure != null) throw new AssertionError("looking at the rows", atShutdown.failure);
                // The buffer gives its rows back by itself after 2 s without a free slot (aheadRelease):
                // the shard must have been given up before that, or this test would prove nothing.
                assertThat(Duration.ofNanos(atShutdown.atNanos - bufferedAt))
                        .as("shard given up before the buffer's own release")
                        .isLessThan(Duration.ofMillis(1900));
                assertThat(atShutdown.seen)
                        .as("the buffered rows when the session began shutting down: pending, attempt given back")
                        .hasSize(3)
                        .allSatisfy((id, row) -> {
                            assertThat(row.get(0)).as(id).isEqualTo("pending");
                            assertThat(((Number) row.get(1)).intValue())
                                    .as(id + " claims")
                                    .isZero();
                        });

                hold.release.countDown();
                // The fake owner's lease expires; this process takes the shard again and runs them.
                for (String id : buffered) {
                    var row = admin.awaitResult(id, Duration.ofSeconds(60))
                            .orElseThrow(() -> new AssertionError(id + " never finished"));
                    assertThat(row.status()).as(row.resultJson()).isEqualTo("done");
                    assertThat(row.resultJson()).doesNotContain("guild_not_found");
                }
                for (long g : OTHERS)
                    assertThat(standIn.state().messages(g + 100))
                            .extracting(StandInMessage::content)
                            .as("posts in guild " + g)
                            .containsExactly("once " + g);
                assertThat(db.count(
                                "SELECT count(*) FROM valoratbot.command_runs WHERE claims = 1 AND command_id = ANY(?)",
                                (Object) buffered.toArray(String[]::new)))
                        .as("each ran on its first attempt")
                        .isEqualTo(3);
                assertThat(admin.find(held).orElseThrow().status()).isNotEqualTo("pending");
            } finally {
                hold.release.countDown();
                bot.close();
            }
        } finally {
            database.close();
        }
    }
}

package com.valoratbot.library;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.command.PayloadReader;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.run.CustomAction;
import com.valoratbot.core.shard.ShardPlan;
import com.valoratbot.discord.DiscordGateway;
import com.valoratbot.discord.music.VoiceMode;
import com.valoratbot.standin.DemoGuild;
import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.TestDatabase;
import com.valoratbot.testing.Eventually;
import com.valoratbot.testing.TestStandIn;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A graceful stop of a sharded process keeps its leases alive while its backends close: a close that
 * waits for a command in flight longer than the lease must not let the lease expire in the database
 * while the session is still connected (another process would take and connect the shard).
 */
class ShardedGracefulStopTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @RegisterExtension
    static final TestStandIn discord =
            TestStandIn.with(b -> b.botToken("sharded-stop-token")).seeded(DemoGuild::seed);

    record Done(boolean held) {}

    /** A command still running when close() is called: it waits to be released. */
    static final class Hold implements CustomAction<String, Done> {
        final CountDownLatch running = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public String wireName() {
            return "HOLD_ON";
        }

        @Override
        public boolean idempotent() {
            return true;
        }

        @Override
        public Optional<String> read(PayloadReader in) {
            return Optional.of("held");
        }

        @Override
        public Result<Done> run(CommandContext context, String payload) {
            running.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Result.ok(new Done(true));
        }
    }

    @Test
    void aCloseThatOutlastsTheLeaseKeepsTheLeaseHeldUntilTheShardIsReleased() throws Exception {
        DiscordStandIn standIn = discord.standIn();
        Database database = db.open();
        Hold hold = new Hold();
        Duration lease = Duration.ofSeconds(3);
        try {
            ShardedValoratbot bot = ShardedValoratbot.create(
                            DiscordGateway.leanShardManagerBuilder(standIn.botToken()),
                            database.dataSource(),
                            db.settings().build())
                    .plan(new ShardPlan.Static(1, 0, 0))
                    .lease(lease)
                    .discordEndpoints(standIn.restBaseUrl(), standIn.gatewayUrl())
                    .voiceMode(VoiceMode.PASSTHROUGH) // the stand-in speaks DAVE version 0 only
                    .eachShard(b -> b.action(hold).customActionTimeout(Duration.ofSeconds(60)))
                    .start();
            Eventually.within(
                    Duration.ofSeconds(60),
                    "shard 0 ready",
                    () -> db.count("SELECT count(*) FROM valoratbot.shard_leases WHERE ready_at IS NOT NULL") == 1);
            CommandAdmin admin = CommandAdmin.on(database);
            String held = admin.enqueue(Long.toString(DemoGuild.GUILD_ID), "HOLD_ON", "{}", null);
            assertThat(hold.running.await(30, TimeUnit.SECONDS))
                    .as("the command is running")
                    .isTrue();

            Thread closing = Thread.ofPlatform().start(bot::close);
            // Twice the lease: without renewals the lease would have expired in the database by now.
            Thread.sleep(lease.multipliedBy(2).toMillis());
            assertThat(closing.isAlive()).as("close() waits for the command").isTrue();
            assertThat(db.count("""
                            SELECT count(*) FROM valoratbot.shard_leases
                             WHERE shard_id = 0 AND owner_worker_id = '%s' AND lease_expires_at > now()""".formatted(bot.owner())))
                    .as("the lease is still held and unexpired while the backend closes")
                    .isEqualTo(1);

            hold.release.countDown();
            closing.join(Duration.ofSeconds(30));
            assertThat(closing.isAlive()).isFalse();
            assertThat(admin.find(held).orElseThrow().status()).isEqualTo("done");
            assertThat(
                            db.count(
                                    "SELECT count(*) FROM valoratbot.shard_leases WHERE shard_id = 0 AND owner_worker_id IS NULL"))
                    .as("released once the backend closed")
                    .isEqualTo(1);
        } finally {
            database.close();
        }
    }
}

package com.valoratbot.library;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.shard.ShardPlan;
import com.valoratbot.discord.DiscordGateway;
import com.valoratbot.discord.music.VoiceMode;
import com.valoratbot.standin.DemoGuild;
import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.supabase.TestDatabase;
import com.valoratbot.testing.Eventually;
import com.valoratbot.testing.TestStandIn;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lease renewals run on a pool of their own: a main pool held to its last connection (every shard's
 * claim loop, schedulers and publishers share it) must not delay them past the fence, which would
 * give up every shard of the process although the database is healthy.
 */
class ShardLeaseRenewalIsolationTest {

    @RegisterExtension
    static final TestDatabase db = TestDatabase.migrated();

    @RegisterExtension
    static final TestStandIn discord =
            TestStandIn.with(b -> b.botToken("lease-isolation-token")).seeded(DemoGuild::seed);

    @Test
    void withEveryConnectionOfTheMainPoolHeldForThreeLeasesTheLeaseIsStillRenewedAndTheShardKept() throws Exception {
        DiscordStandIn standIn = discord.standIn();
        Duration lease = Duration.ofSeconds(3);
        int poolSize = 3;
        try (ShardedValoratbot bot = ShardedValoratbot.create(
                        DiscordGateway.leanShardManagerBuilder(standIn.botToken()),
                        db.settings().poolSize(poolSize).build())
                .plan(new ShardPlan.Static(1, 0, 0))
                .lease(lease)
                .discordEndpoints(standIn.restBaseUrl(), standIn.gatewayUrl())
                .voiceMode(VoiceMode.PASSTHROUGH) // the stand-in speaks DAVE version 0 only
                .start()) {
            Eventually.within(
                    Duration.ofSeconds(60),
                    "shard 0 running",
                    () -> bot.runningShards().contains(0));
            Map<String, Object> before =
                    db.row("SELECT epoch, renewed_at FROM valoratbot.shard_leases WHERE shard_id = 0");

            // Every connection of the main pool, held: nothing of the process's own work can run.
            DataSource main = bot.database().dataSource();
            List<Connection> held = new ArrayList<>();
            try {
                for (int i = 0; i < poolSize; i++) held.add(main.getConnection());
                Thread.sleep(lease.multipliedBy(3).toMillis());
                assertThat(bot.runningShards())
                        .as("shard 0 kept (not fenced) while the main pool was exhausted")
                        .containsExactly(0);
            } finally {
                for (Connection c : held) c.close();
            }
            Map<String, Object> after = db.row("""
                    SELECT epoch, renewed_at, owner_worker_id, lease_expires_at > now() AS live
                      FROM valoratbot.shard_leases WHERE shard_id = 0""");
            assertThat(after.get("epoch")).as("the same lease, never lost").isEqualTo(before.get("epoch"));
            assertThat(after.get("owner_worker_id")).isEqualTo(bot.owner());
            assertThat(after.get("live")).isEqualTo(true);
            assertThat(((java.sql.Timestamp) after.get("renewed_at")))
                    .as("renewed while the main pool was held")
                    .isAfter((java.sql.Timestamp) before.get("renewed_at"));
        }
    }
}

package com.valoratbot.library;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.shard.ShardPlan;
import com.valoratbot.discord.DiscordGateway;
import com.valoratbot.discord.music.VoiceMode;
import com.valoratbot.standin.DemoGuild;
import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.CommandRow;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.TestDatabase;
import com.valoratbot.testing.Eventually;
import com.valoratbot.testing.TestStandIn;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A sharded backend given a REST endpoint (a proxy, here the stand-in) sends there also the requests
 * the Discord adapter makes itself rather than through a JDA call (lock and unlock read the channel
 * and write @everyone's overwrite), not to Discord's default address.
 */
class ShardedRestEndpointTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @RegisterExtension
    static final TestStandIn discord =
            TestStandIn.with(b -> b.botToken("sharded-rest-token")).seeded(DemoGuild::seed);

    @Test
    void aShardsLockAndUnlockGoToTheRestEndpointTheShardManagerWasGiven() throws Exception {
        DiscordStandIn standIn = discord.standIn();
        Database database = db.open();
        try (ShardedValoratbot bot = ShardedValoratbot.create(
                        DiscordGateway.leanShardManagerBuilder(standIn.botToken()),
                        database.dataSource(),
                        db.settings().build())
                .plan(new ShardPlan.Static(1, 0, 0))
                .discordEndpoints(standIn.restBaseUrl(), standIn.gatewayUrl())
                .voiceMode(VoiceMode.PASSTHROUGH) // the stand-in speaks DAVE version 0 only
                .start()) {
            Eventually.within(
                    Duration.ofSeconds(60),
                    "shard 0 ready",
                    () -> db.count("SELECT count(*) FROM valoratbot.shard_leases WHERE ready_at IS NOT NULL") == 1);
            CommandAdmin admin = CommandAdmin.on(database);
            String guild = Long.toString(DemoGuild.GUILD_ID);
            String channel = "{\"channelId\":\"" + DemoGuild.GENERAL_ID + "\"}";

            CommandRow lock = admin.awaitResult(admin.enqueue(guild, "lock", channel, null), Duration.ofSeconds(30))
                    .orElseThrow();
            assertThat(lock.status()).as(lock.resultJson()).isEqualTo("done");
            assertThat(standIn.state().channel(DemoGuild.GENERAL_ID).overwrite(DemoGuild.GUILD_ID))
                    .isPresent();

            CommandRow unlock = admin.awaitResult(admin.enqueue(guild, "unlock", channel, null), Duration.ofSeconds(30))
                    .orElseThrow();
            assertThat(unlock.status()).as(unlock.resultJson()).isEqualTo("done");
            assertThat(standIn.requests("GET /channels/{channel_id}")).hasSize(2);
        } finally {
            database.close();
        }
    }
}

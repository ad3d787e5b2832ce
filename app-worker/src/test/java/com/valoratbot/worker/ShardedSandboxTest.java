package com.valoratbot.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.library.ShardedValoratbot;
import com.valoratbot.standin.DemoGuild;
import com.valoratbot.standin.StandInMessage;
import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.CommandRow;
import com.valoratbot.testing.Eventually;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ./valoratbot worker --sandbox} with {@code VALORATBOT_SHARDS=2} (it used to be refused):
 * the in-process stand-in shards as Discord does, with a guild on each shard, and the worker holds
 * both shards through leases and serves a command in each guild from that guild's own session.
 */
class ShardedSandboxTest {

    @RegisterExtension
    static final SandboxWorker sandbox = SandboxWorker.create().set("VALORATBOT_SHARDS", "2");

    @Test
    void aShardedSandboxWorkerServesACommandForAGuildOnEachShard() throws Exception {
        ShardedValoratbot sharded = sandbox.app().sharded().orElseThrow();
        assertThat(sharded.shardTotal()).isEqualTo(2);
        Eventually.within(
                Duration.ofSeconds(90),
                "both shards running",
                () -> sharded.runningShards().equals(Set.of(0, 1)));

        int demoShard = SandboxDiscord.shardOf(DemoGuild.GUILD_ID, 2);
        long other = SandboxDiscord.guildOnShard(1 - demoShard, 2);
        assertThat(SandboxDiscord.shardOf(other, 2)).isNotEqualTo(demoShard);
        // Each session holds only its shard's guild, as Discord's sharded IDENTIFY gives.
        assertThat(sharded.shard(demoShard).orElseThrow().jda().getGuildById(DemoGuild.GUILD_ID))
                .isNotNull();
        assertThat(sharded.shard(demoShard).orElseThrow().jda().getGuildById(other))
                .isNull();
        assertThat(sharded.shard(1 - demoShard).orElseThrow().jda().getGuildById(other))
                .isNotNull();

        CommandAdmin admin = CommandAdmin.on(sharded.database());
        String demo = admin.enqueue(
                Long.toString(DemoGuild.GUILD_ID),
                "announce",
                "{\"channelId\":\"" + DemoGuild.GENERAL_ID + "\",\"message\":\"from the demo guild's shard\"}",
                null);
        String onOther = admin.enqueue(
                Long.toString(other),
                "announce",
                "{\"channelId\":\"" + (other + 100) + "\",\"message\":\"from the other shard\"}",
                null);
        for (String id : new String[] {demo, onOther}) {
            CommandRow row = admin.awaitResult(id, Duration.ofSeconds(30))
                    .orElseThrow(() -> new AssertionError("command " + id + " never finished"));
            assertThat(row.status()).as(row.resultJson()).isEqualTo("done");
        }
        var state = sandbox.app().sandbox().orElseThrow().state();
        assertThat(state.messages(DemoGuild.GENERAL_ID))
                .extracting(StandInMessage::content)
                .contains("from the demo guild's shard");
        assertThat(state.messages(other + 100))
                .extracting(StandInMessage::content)
                .containsExactly("from the other shard");
    }
}

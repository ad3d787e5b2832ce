package com.valoratbot.library;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.shard.ShardPlan;
import com.valoratbot.discord.DiscordGateway;
import com.valoratbot.discord.music.VoiceMode;
import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.supabase.TestDatabase;
import com.valoratbot.testing.Eventually;
import com.valoratbot.testing.TestStandIn;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Discord's daily session start budget ({@code session_start_limit.remaining}) is read from
 * {@code /gateway/bot}, and its reserve is never spent: a process restarted in a loop stops
 * identifying before the budget runs out (which would reset the bot's token).
 */
class DailySessionStartLimitTest {

    @RegisterExtension
    static final TestDatabase db = TestDatabase.migrated();

    @RegisterExtension
    static final TestStandIn discord = TestStandIn.with(
                    b -> b.botToken("budget-token").recommendedShards(2).sessionStartTotal(3))
            .seeded(state -> {
                for (int shard = 0; shard < 2; shard++) {
                    long id = PacedSessionControllerTest.guildOnShard(shard, 2);
                    state.createGuild(id, "Guild " + shard).textChannel(id + 1, "general");
                }
            });

    static ShardedValoratbot start(DiscordStandIn standIn) {
        return ShardedValoratbot.create(
                        DiscordGateway.leanShardManagerBuilder(standIn.botToken()),
                        db.settings().poolSize(4).build())
                .plan(new ShardPlan.Static(2, 0, 1))
                .lease(Duration.ofSeconds(3))
                .sessionStartReserve(1)
                .discordEndpoints(standIn.restBaseUrl(), standIn.gatewayUrl())
                .voiceMode(VoiceMode.PASSTHROUGH) // the stand-in speaks DAVE version 0 only
                .start();
    }

    @Test
    void aRestartThatWouldSpendTheReservedLastSessionStartIdentifiesNothing() throws Exception {
        DiscordStandIn standIn = discord.standIn();
        try (ShardedValoratbot first = start(standIn)) {
            Eventually.within(
                    Duration.ofSeconds(60),
                    "both shards running",
                    () -> first.runningShards().size() == 2);
        }
        assertThat(standIn.gatewayStats().identifies()).as("2 of 3 spent").isEqualTo(2);

        // The restart: one session start is left, and it is the reserve.
        try (ShardedValoratbot again = start(standIn)) {
            Thread.sleep(10_000);
            assertThat(again.runningShards())
                    .as("no shard started on the reserve")
                    .isEmpty();
            assertThat(standIn.gatewayStats().identifies())
                    .as("no IDENTIFY sent")
                    .isEqualTo(2);
        }
    }
}

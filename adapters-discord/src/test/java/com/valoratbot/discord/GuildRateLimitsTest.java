package com.valoratbot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.valoratbot.core.command.Action;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Failure;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.run.CommandHandler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GuildRateLimitsTest {

    static final Snowflake GUILD = Snowflake.of(Sandbox.GUILD);
    static final Snowflake OTHER = Snowflake.of(Sandbox.OTHER_GUILD);

    private static GuildRateLimits limits(int commands, Duration per, int purges, Duration purgePer) {
        return new GuildRateLimits(
                new GuildRateLimits.Limit(commands, per), new GuildRateLimits.Limit(purges, purgePer));
    }

    private static Failure refusal(Result<?> result) {
        assertThat(result).isInstanceOf(Result.Err.class);
        return ((Result.Err<?>) result).failure();
    }

    @Test
    void aGuildGetsItsBurstThenIsRefusedWithARetryDelay() {
        GuildRateLimits limits = limits(3, Duration.ofSeconds(10), 1, Duration.ofSeconds(5));

        for (int i = 0; i < 3; i++) assertThat(limits.admit(GUILD, Action.LOCK)).isInstanceOf(Result.Ok.class);
        Failure refused = refusal(limits.admit(GUILD, Action.LOCK));

        assertThat(refused.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat((Long) refused.details().get("retryAfterMs")).isBetween(1L, 10_000L);
    }

    @Test
    void oneBusyGuildDoesNotUseUpAnotherGuildsBudget() {
        GuildRateLimits limits = limits(2, Duration.ofSeconds(10), 1, Duration.ofSeconds(5));
        limits.admit(GUILD, Action.LOCK);
        limits.admit(GUILD, Action.LOCK);

        assertThat(limits.admit(GUILD, Action.LOCK)).isInstanceOf(Result.Err.class);
        assertThat(limits.admit(OTHER, Action.LOCK)).isInstanceOf(Result.Ok.class);
    }

    @Test
    void purgesHaveTheirOwnTighterLimitAndOtherCommandsStillPass() {
        GuildRateLimits limits = limits(20, Duration.ofSeconds(10), 1, Duration.ofSeconds(5));

        assertThat(limits.admit(GUILD, Action.PURGE)).isInstanceOf(Result.Ok.class);
        Failure second = refusal(limits.admit(GUILD, Action.PURGE));
        assertThat((Long) second.details().get("retryAfterMs")).isBetween(4_000L, 5_000L);
        assertThat(limits.admit(GUILD, Action.ANNOUNCE)).isInstanceOf(Result.Ok.class);
        assertThat(limits.admit(OTHER, Action.PURGE)).isInstanceOf(Result.Ok.class);
    }

    @Test
    void aCustomActionTakesFromTheGeneralBudgetAndNeverFromThePurgeBudget() {
        GuildRateLimits limits = limits(2, Duration.ofSeconds(10), 1, Duration.ofSeconds(5));

        assertThat(limits.admitCustom(GUILD, "ADD_QUEST_PROGRESS")).isInstanceOf(Result.Ok.class);
        assertThat(limits.admit(GUILD, Action.PURGE))
                .as("the purge budget is untouched")
                .isInstanceOf(Result.Ok.class);
        assertThat(refusal(limits.admitCustom(GUILD, "ADD_QUEST_PROGRESS")).code())
                .isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(limits.admitCustom(OTHER, "ADD_QUEST_PROGRESS")).isInstanceOf(Result.Ok.class);
    }

    @Test
    void aPurgeRefusedByTheGeneralLimitDoesNotSpendAPurgeToken() throws InterruptedException {
        GuildRateLimits limits = limits(1, Duration.ofMillis(200), 1, Duration.ofSeconds(30));
        limits.admit(GUILD, Action.LOCK);
        assertThat(limits.admit(GUILD, Action.PURGE))
                .as("the general limit refuses")
                .isInstanceOf(Result.Err.class);

        Thread.sleep(250);

        assertThat(limits.admit(GUILD, Action.PURGE))
                .as("the purge token is still there")
                .isInstanceOf(Result.Ok.class);
    }

    @Test
    void tokensComeBackAfterThePeriod() throws InterruptedException {
        GuildRateLimits limits = limits(1, Duration.ofMillis(100), 1, Duration.ofMillis(100));
        limits.admit(GUILD, Action.LOCK);
        assertThat(limits.admit(GUILD, Action.LOCK)).isInstanceOf(Result.Err.class);

        Thread.sleep(150);

        assertThat(limits.admit(GUILD, Action.LOCK)).isInstanceOf(Result.Ok.class);
    }

    @Test
    void theRefusalReachesTheDashboardAsRateLimitedWithRetryAfterMsAndSecondsInTheReason() {
        DiscordGateway gateway = DiscordGateway.builder()
                .token("unused")
                .rateLimit(2, Duration.ofSeconds(30))
                .build();
        CommandHandler handler = CommandHandler.builder(com.valoratbot.core.run.Ports.builder()
                        .rateLimits(gateway.rateLimits())
                        .build())
                .build();

        Sandbox.run(handler, Long.toString(Sandbox.GUILD), "listTextChannels", "{}", null);
        Sandbox.run(handler, Long.toString(Sandbox.GUILD), "listTextChannels", "{}", null);
        ObjectNode refused = Sandbox.run(handler, Long.toString(Sandbox.GUILD), "listTextChannels", "{}", null);
        ObjectNode otherGuild =
                Sandbox.run(handler, Long.toString(Sandbox.OTHER_GUILD), "listTextChannels", "{}", null);

        assertThat(refused.get("ok").asBoolean()).isFalse();
        assertThat(refused.get("code").asText()).isEqualTo("rate_limited");
        assertThat(refused.get("retryAfterMs").asLong()).isBetween(14_000L, 15_000L);
        assertThat(refused.get("reason").asText())
                .isEqualTo("Trop de commandes pour ce serveur : réessayez dans 15 s.");
        assertThat(otherGuild.get("code").asText())
                .as("admitted, then no channel adapter here")
                .isEqualTo("not_available");
    }

    @Test
    void theDefaultsAre20CommandsPer10SecondsAndOnePurgePer5Seconds() {
        var limits = (GuildRateLimits)
                DiscordGateway.builder().token("unused").build().rateLimits();

        for (int i = 0; i < 20; i++)
            assertThat(limits.admit(GUILD, Action.LOCK)).as("command %d", i).isInstanceOf(Result.Ok.class);
        assertThat(limits.admit(GUILD, Action.LOCK)).isInstanceOf(Result.Err.class);
        assertThat(limits.admit(OTHER, Action.PURGE)).isInstanceOf(Result.Ok.class);
        assertThat((Long) refusal(limits.admit(OTHER, Action.PURGE)).details().get("retryAfterMs"))
                .isBetween(4_000L, 5_000L);
    }
}

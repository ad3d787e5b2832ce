package com.valoratbot.discord;

import static com.valoratbot.discord.Sandbox.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.CompleteCommands.Completion;
import com.valoratbot.core.port.QueuedCommand;
import com.valoratbot.core.run.CommandHandler;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import net.dv8tion.jda.api.JDA;
import org.junit.jupiter.api.Test;

/**
 * The command fast path's "is the bot in this guild?" (review finding 3): answered
 * {@code guild_not_found} without running only when the gateway is connected and the guild is
 * neither there nor unavailable; otherwise the row runs and the adapter's own waits decide.
 */
class GuildPresenceTest {

    private static QueuedCommand listing(long guild) {
        return new QueuedCommand(
                UUID.randomUUID().toString(),
                Long.toString(guild),
                "listTextChannels",
                "{}",
                Optional.empty(),
                Duration.ZERO);
    }

    private static CommandHandler withPresence(Sandbox s) {
        return CommandHandler.builder(Sandbox.portsOf(s.discord).build())
                .presence(s.discord.presence())
                .build();
    }

    @Test
    void whileConnectedAGuildTheBotIsNotInIsAnsweredGuildNotFoundWithoutRunningAndItsOwnGuildRuns() {
        try (Sandbox s = Sandbox.start()) {
            CommandHandler handler = withPresence(s);

            Optional<Completion> stranger = handler.answerWithoutRunning(listing(NO_GUILD));
            assertThat(stranger).isPresent();
            assertThat(CommandHandler.readResult(stranger.get().resultJson())
                            .get("code")
                            .asText())
                    .isEqualTo("guild_not_found");
            assertThat(handler.answerWithoutRunning(listing(GUILD))).isEmpty();
            assertThat(s.discord.presence().holds(Snowflake.of(GUILD))).isTrue();
        }
    }

    @Test
    void whileConnectedTheSessionListsEveryGuildItHoldsForTheClaimAndNoneItDoesNot() {
        try (Sandbox s = Sandbox.start()) {
            var held = s.discord.presence().heldGuilds();

            assertThat(held).isPresent();
            assertThat(held.get()).contains(Snowflake.of(GUILD)).doesNotContain(Snowflake.of(NO_GUILD));
            assertThat(held.get()).hasSize(s.discord.jda().getGuilds().size());
        }
    }

    @Test
    void whileTheGatewayIsAwayTheRowRunsAndEndsAsADiscordTimeoutNeverAsGuildNotFound() {
        try (Sandbox lonely = Sandbox.start(standIn -> {}, adapter -> adapter.commandTimeout(Duration.ofMillis(800)))) {
            CommandHandler handler = withPresence(lonely);
            lonely.standIn.close();
            eventually(() -> lonely.discord.jda().getStatus() != JDA.Status.CONNECTED);

            assertThat(lonely.discord.presence().certainlyAbsent(Snowflake.of(NO_GUILD)))
                    .isFalse();
            // Unsure, so no list: the claim answers nothing in SQL meanwhile.
            assertThat(lonely.discord.presence().heldGuilds()).isEmpty();
            assertThat(handler.answerWithoutRunning(listing(NO_GUILD))).isEmpty();
            ObjectNode result =
                    CommandHandler.readResult(handler.handle(listing(NO_GUILD)).resultJson());
            assertThat(result.get("code").asText()).isEqualTo("discord_error");
        }
    }

    @Test
    void beforeStartAndAfterCloseThePresenceNeitherThrowsNorClaimsTheGuildIsAbsent() {
        Sandbox s = Sandbox.start();
        s.close();
        assertThat(s.discord.presence().certainlyAbsent(Snowflake.of(NO_GUILD))).isFalse();
        assertThat(s.discord.presence().holds(Snowflake.of(GUILD))).isFalse();
        assertThat(s.discord.presence().heldGuilds()).isEmpty();
    }
}

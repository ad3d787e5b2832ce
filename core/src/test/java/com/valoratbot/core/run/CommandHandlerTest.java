package com.valoratbot.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.valoratbot.core.command.Action;
import com.valoratbot.core.command.Command;
import com.valoratbot.core.port.*;
import com.valoratbot.core.port.CompleteCommands.Completion;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Failure;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.text.Language;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The handler with small in-memory ports: what reaches a port, and the exact JSON that comes out. */
class CommandHandlerTest {

    private static final String GUILD = "111111111111111111";
    private static final String CHANNEL = "222222222222222222";

    private static QueuedCommand row(String action, String payload) {
        return new QueuedCommand("cmd-1", GUILD, action, payload, Optional.empty(), Duration.ofSeconds(1));
    }

    private static ObjectNode run(CommandHandler handler, QueuedCommand row) {
        Completion c = handler.handle(row);
        ObjectNode json = CommandHandler.readResult(c.resultJson());
        assertThat(c.ok()).isEqualTo(json.get("ok").asBoolean());
        return json;
    }

    private static final ListChannels TWO_CHANNELS = new ListChannels() {
        public Result<List<ChannelSummary>> textChannels(CommandContext c) {
            return Result.ok(List.of(new ChannelSummary("1", "general", 0), new ChannelSummary("2", "annonces", 5)));
        }

        public Result<List<ChannelSummary>> voiceChannels(CommandContext c) {
            return Result.ok(List.of());
        }
    };

    @Test
    void aPresencePortThatThrowsLetsTheRowRunInsteadOfBreakingTheBatch() {
        CommandHandler handler = CommandHandler.builder(
                        Ports.builder().channels(TWO_CHANNELS).build())
                .presence(new com.valoratbot.core.port.schedule.GuildPresence() {
                    public boolean holds(com.valoratbot.core.command.Snowflake guildId) {
                        throw new IllegalStateException("gateway closed");
                    }
                })
                .build();
        QueuedCommand row = row("listTextChannels", "{}");
        assertThat(handler.answerWithoutRunning(row)).isEmpty();
        assertThat(run(handler, row).get("ok").asBoolean()).isTrue();
    }

    @Test
    void aListingHasTheContractsExactShape() {
        CommandHandler handler = CommandHandler.builder(
                        Ports.builder().channels(TWO_CHANNELS).build())
                .build();
        assertThat(run(handler, row("listTextChannels", "{}")).toString())
                .isEqualTo(
                        "{\"ok\":true,\"channels\":[{\"id\":\"1\",\"name\":\"general\",\"type\":0},{\"id\":\"2\",\"name\":\"annonces\",\"type\":5}]}");
    }

    @Test
    void anActionWithoutAnAdapterEndsAtOnceAsNotAvailable() {
        CommandHandler handler = CommandHandler.builder(Ports.builder().build())
                .language(Language.EN)
                .build();
        ObjectNode result = run(handler, row("play", "{\"query\":\"x\",\"voiceChannelId\":\"" + CHANNEL + "\"}"));
        assertThat(result.get("ok").asBoolean()).isFalse();
        assertThat(result.get("code").asText()).isEqualTo("not_available");
        assertThat(result.get("reason").asText()).contains("not available");
    }

    @Test
    void aCommandOlderThanTheMaximumAgeIsNotRunAndSaysHowOldItWas() {
        List<String> calls = new ArrayList<>();
        ListChannels recording = new ListChannels() {
            public Result<List<ChannelSummary>> textChannels(CommandContext c) {
                calls.add(c.commandId());
                return Result.ok(List.of());
            }

            public Result<List<ChannelSummary>> voiceChannels(CommandContext c) {
                return Result.ok(List.of());
            }
        };
        CommandHandler handler = CommandHandler.builder(
                        Ports.builder().channels(recording).build())
                .maxAge(Duration.ofSeconds(60))
                .build();
        ObjectNode result = run(
                handler,
                new QueuedCommand("old", GUILD, "listTextChannels", "{}", Optional.empty(), Duration.ofSeconds(125)));
        assertThat(result.get("code").asText()).isEqualTo("expired");
        assertThat(result.get("reason").asText()).contains("125 s").contains("60 s");
        assertThat(calls).isEmpty();
    }

    @Test
    void aGuildIdThatIsNotASnowflakeIsAnInvalidPayload() {
        CommandHandler handler = CommandHandler.builder(
                        Ports.builder().channels(TWO_CHANNELS).build())
                .language(Language.EN)
                .build();
        ObjectNode result = run(
                handler, new QueuedCommand("x", "my-guild", "listTextChannels", "{}", Optional.empty(), Duration.ZERO));
        assertThat(result.get("code").asText()).isEqualTo("invalid_payload");
        assertThat(result.get("reason").asText()).contains("guild_id").contains("my-guild");
    }

    @Test
    void malformedPayloadJsonIsAnInvalidPayloadNotACrash() {
        CommandHandler handler = CommandHandler.builder(Ports.builder().build()).build();
        assertThat(run(handler, row("purge", "{not json")).get("code").asText()).isEqualTo("invalid_payload");
    }

    @Test
    void theRateLimitRefusesBeforeAnyAccessCheckOrAction() {
        List<String> reached = new ArrayList<>();
        CheckAccess access = (ctx, req) -> {
            reached.add("access");
            return Result.ok(Done.DONE);
        };
        RateLimitCommands refuseAll = new RateLimitCommands() {
            public Result<Done> admit(com.valoratbot.core.command.Snowflake guild, Action action) {
                return Result.err(
                        Failure.of(ErrorCode.RATE_LIMITED, "rate_limited", 3).with("retryAfterMs", 2500));
            }

            public Result<Done> admitCustom(com.valoratbot.core.command.Snowflake guild, String action) {
                return admit(guild, null);
            }
        };
        CommandHandler handler = CommandHandler.builder(Ports.builder()
                        .access(access)
                        .rateLimits(refuseAll)
                        .channels(TWO_CHANNELS)
                        .build())
                .build();
        ObjectNode result = run(handler, row("listTextChannels", "{}"));
        assertThat(result.get("code").asText()).isEqualTo("rate_limited");
        assertThat(result.get("retryAfterMs").asInt()).isEqualTo(2500);
        assertThat(reached).isEmpty();
    }

    @Test
    void accessChecksReceiveTheActionsRequirementsAndTheRequester() {
        List<AccessRequirements> seen = new ArrayList<>();
        List<CommandContext> contexts = new ArrayList<>();
        CheckAccess forbid = (ctx, req) -> {
            seen.add(req);
            contexts.add(ctx);
            return Result.err(ErrorCode.FORBIDDEN, "forbidden", "Manage Messages");
        };
        CommandHandler handler =
                CommandHandler.builder(Ports.builder().access(forbid).build()).build();
        Completion c = handler.handle(new QueuedCommand(
                "c",
                GUILD,
                "purge",
                "{\"channelId\":\"" + CHANNEL + "\",\"amount\":5}",
                Optional.of("333333333333333333"),
                Duration.ZERO));
        assertThat(c.ok()).isFalse();
        assertThat(CommandHandler.readResult(c.resultJson()).get("code").asText())
                .isEqualTo("forbidden");
        assertThat(seen.getFirst().requester()).contains(DiscordPermission.MANAGE_MESSAGES);
        assertThat(seen.getFirst().bot())
                .contains(DiscordPermission.MANAGE_MESSAGES, DiscordPermission.READ_MESSAGE_HISTORY);
        assertThat(contexts.getFirst().requestedBy().map(Object::toString)).contains("333333333333333333");
    }

    @Test
    void anAdapterThatThrowsBecomesAnInternalErrorResult() {
        ListChannels broken = new ListChannels() {
            public Result<List<ChannelSummary>> textChannels(CommandContext c) {
                throw new IllegalStateException("boom");
            }

            public Result<List<ChannelSummary>> voiceChannels(CommandContext c) {
                return Result.ok(List.of());
            }
        };
        CommandHandler handler =
                CommandHandler.builder(Ports.builder().channels(broken).build()).build();
        ObjectNode result = run(handler, row("listTextChannels", null));
        assertThat(result.get("code").asText()).isEqualTo("internal_error");
        assertThat(result.get("reason").asText()).doesNotContain("boom");
    }

    @Test
    void musicResultsUseTheKeyNamesDashboardsRead() {
        PlayMusic.Track song = new PlayMusic.Track(
                "Never Gonna Give You Up", "Rick Astley", 213_000, "https://img/x.jpg", "https://s/x");
        PlayMusic music = new PlayMusicStub(song);
        CommandHandler handler =
                CommandHandler.builder(Ports.builder().music(music).build()).build();
        assertThat(run(handler, row("play", "{\"query\":\"rick\",\"voiceChannelId\":\"" + CHANNEL + "\"}"))
                        .toString())
                .isEqualTo(
                        "{\"ok\":true,\"track\":{\"title\":\"Never Gonna Give You Up\",\"artist\":\"Rick Astley\",\"thumbnail\":\"https://img/x.jpg\"},\"position\":0}");
        assertThat(run(handler, row("getQueue", "{}")).toString())
                .isEqualTo(
                        "{\"ok\":true,\"nowPlaying\":{\"title\":\"Never Gonna Give You Up\",\"author\":\"Rick Astley\",\"length\":213000,"
                                + "\"artworkUrl\":\"https://img/x.jpg\",\"uri\":\"https://s/x\",\"position\":1500,\"paused\":false},"
                                + "\"queue\":[{\"title\":\"Never Gonna Give You Up\",\"author\":\"Rick Astley\",\"length\":213000,"
                                + "\"artworkUrl\":\"https://img/x.jpg\",\"uri\":\"https://s/x\"}]}");
    }

    @Test
    void interruptedNamesTheActionThatWasNotRepeated() {
        CommandHandler handler = CommandHandler.builder(Ports.builder().build())
                .language(Language.EN)
                .build();
        Completion c = handler.interrupted(row("purge", "{}"));
        assertThat(c.ok()).isFalse();
        ObjectNode json = CommandHandler.readResult(c.resultJson());
        assertThat(json.get("code").asText()).isEqualTo("interrupted");
        assertThat(json.get("reason").asText()).contains("\"purge\"");
    }

    @Test
    void onlyRepeatableActionsAreMarkedIdempotent() {
        assertThat(BuiltInActions.idempotent(Action.PURGE)).isFalse();
        assertThat(BuiltInActions.idempotent(Action.ANNOUNCE)).isFalse();
        assertThat(BuiltInActions.idempotent(Action.PLAY)).isFalse();
        assertThat(BuiltInActions.idempotent(Action.LOCK)).isTrue();
        assertThat(BuiltInActions.idempotent(Action.LIST_TEXT_CHANNELS)).isTrue();
        assertThat(BuiltInActions.idempotent(Action.SCHEDULE_LEADERBOARD)).isTrue();
    }

    private record PlayMusicStub(PlayMusic.Track song) implements PlayMusic {
        public Result<QueuedTrack> play(CommandContext c, Command.Play p) {
            return Result.ok(new QueuedTrack(song, 0));
        }

        public Result<Done> pause(CommandContext c) {
            return Result.ok(Done.DONE);
        }

        public Result<Done> resume(CommandContext c) {
            return Result.ok(Done.DONE);
        }

        public Result<Done> skip(CommandContext c) {
            return Result.ok(Done.DONE);
        }

        public Result<Done> stop(CommandContext c) {
            return Result.ok(Done.DONE);
        }

        public Result<QueueView> queue(CommandContext c) {
            return Result.ok(new QueueView(Optional.of(new NowPlaying(song, 1500, false)), List.of(song)));
        }

        public Result<Done> removeFromQueue(CommandContext c, int index) {
            return Result.ok(Done.DONE);
        }
    }
}

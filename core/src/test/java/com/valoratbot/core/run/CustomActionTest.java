package com.valoratbot.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.valoratbot.core.command.Action;
import com.valoratbot.core.command.PayloadReader;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.*;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Failure;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.text.Language;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A custom action through the handler's steps, with small in-memory ports. */
class CustomActionTest {

    private static final String GUILD = "111111111111111111";
    private static final String CHANNEL = "222222222222222222";

    record Posted(String channelId, long score) {}

    record Score(Snowflake channelId, int points) {}

    /** Posts a score in a channel: names a text channel, needs Send Messages from the bot and Manage Server from the requester. */
    static final class PostScore implements CustomAction<Score, Posted> {
        final List<Score> ran = new ArrayList<>();

        @Override
        public String wireName() {
            return "POST_SCORE";
        }

        @Override
        public boolean idempotent() {
            return false;
        }

        @Override
        public Optional<Score> read(PayloadReader in) {
            var channel = in.requiredSnowflake("channelId");
            var points = in.requiredInt("points", 0, 100);
            return channel.isPresent() && points.isPresent()
                    ? Optional.of(new Score(channel.get(), points.get()))
                    : Optional.empty();
        }

        @Override
        public AccessRequirements access(Score s) {
            return new AccessRequirements(
                            Set.of(DiscordPermission.SEND_MESSAGES), Set.of(DiscordPermission.MANAGE_GUILD))
                    .in(List.of(s.channelId()), ChannelKind.TEXT_ONLY);
        }

        @Override
        public Result<Posted> run(CommandContext context, Score s) {
            ran.add(s);
            return Result.ok(new Posted(s.channelId().toString(), s.points() * 10L));
        }
    }

    private static QueuedCommand row(String action, String payload, String requester) {
        return new QueuedCommand(
                "cmd-1", GUILD, action, payload, Optional.ofNullable(requester), Duration.ofSeconds(1));
    }

    private static ObjectNode run(CommandHandler handler, QueuedCommand row) {
        return CommandHandler.readResult(handler.handle(row).resultJson());
    }

    @Test
    void theAccessCheckReceivesTheChannelsKindAndPermissionsTheCustomActionDeclares() {
        List<AccessRequirements> seen = new ArrayList<>();
        CheckAccess access = (ctx, req) -> {
            seen.add(req);
            return Result.ok(Done.DONE);
        };
        PostScore action = new PostScore();
        CommandHandler handler = CommandHandler.builder(
                        Ports.builder().access(access).build())
                .action(action)
                .build();

        ObjectNode result = run(
                handler,
                row("POST_SCORE", "{\"channelId\":\"" + CHANNEL + "\",\"points\":\"7\"}", "333333333333333333"));

        assertThat(result.toString()).isEqualTo("{\"ok\":true,\"channelId\":\"" + CHANNEL + "\",\"score\":70}");
        assertThat(seen.getFirst().channelIds()).extracting(Snowflake::toString).containsExactly(CHANNEL);
        assertThat(seen.getFirst().channelKind()).isEqualTo(ChannelKind.TEXT_ONLY);
        assertThat(seen.getFirst().requester()).containsExactly(DiscordPermission.MANAGE_GUILD);
    }

    @Test
    void aCustomActionCountsAgainstTheGuildsRateLimitBeforeAnyAccessCheck() {
        List<String> asked = new ArrayList<>();
        RateLimitCommands refuseCustom = new RateLimitCommands() {
            public Result<Done> admit(Snowflake guild, Action action) {
                return Result.ok(Done.DONE);
            }

            public Result<Done> admitCustom(Snowflake guild, String name) {
                asked.add(name);
                return Result.err(
                        Failure.of(ErrorCode.RATE_LIMITED, "rate_limited", 2).with("retryAfterMs", 1500));
            }
        };
        CheckAccess access = (ctx, req) -> {
            asked.add("access");
            return Result.ok(Done.DONE);
        };
        PostScore action = new PostScore();
        CommandHandler handler = CommandHandler.builder(
                        Ports.builder().access(access).rateLimits(refuseCustom).build())
                .action(action)
                .build();

        ObjectNode result = run(
                handler, row("POST_SCORE", "{\"channelId\":\"" + CHANNEL + "\",\"points\":1}", "333333333333333333"));

        assertThat(result.get("code").asText()).isEqualTo("rate_limited");
        assertThat(result.get("retryAfterMs").asInt()).isEqualTo(1500);
        assertThat(asked).containsExactly("POST_SCORE");
        assertThat(action.ran).isEmpty();
    }

    @Test
    void aNonIdempotentCustomActionWhoseStartMarkFailsDoesNotRun() {
        PostScore action = new PostScore();
        CommandHandler handler =
                CommandHandler.builder(Ports.builder().build()).action(action).build();

        var c = handler.handle(
                row("POST_SCORE", "{\"channelId\":\"" + CHANNEL + "\",\"points\":1}", "333333333333333333"),
                id -> false);

        assertThat(CommandHandler.readResult(c.resultJson()).get("code").asText())
                .isEqualTo("interrupted");
        assertThat(action.ran).isEmpty();
    }

    @Test
    void anUnknownActionsReasonListsTheRegisteredCustomActionsToo() {
        CommandHandler handler = CommandHandler.builder(Ports.builder().build())
                .language(Language.EN)
                .action(new PostScore())
                .build();

        ObjectNode result = run(handler, row("POST_SCOR", "{}", null));

        assertThat(result.get("code").asText()).isEqualTo("unknown_action");
        assertThat(result.get("reason").asText()).contains("listTextChannels").contains("POST_SCORE");
    }

    @Test
    void aReaderThatRefusesWithoutNamingAProblemStillGivesAReason() {
        CustomAction<String, Posted> picky = new CustomAction<>() {
            public String wireName() {
                return "PICKY";
            }

            public boolean idempotent() {
                return true;
            }

            public Optional<String> read(PayloadReader in) {
                return Optional.empty();
            }

            public Result<Posted> run(CommandContext c, String p) {
                throw new AssertionError("never run");
            }
        };
        CommandHandler handler = CommandHandler.builder(Ports.builder().build())
                .language(Language.EN)
                .action(picky)
                .build();

        ObjectNode result = run(handler, row("PICKY", "{}", null));

        assertThat(result.get("code").asText()).isEqualTo("invalid_payload");
        assertThat(result.get("reason").asText()).contains("refused");
    }

    @Test
    void aResultRecordThatWouldOverwriteTheContractsKeysIsAnInternalError() {
        record Liar(boolean ok) {}
        CustomAction<String, Liar> liar = new CustomAction<>() {
            public String wireName() {
                return "LIAR";
            }

            public boolean idempotent() {
                return true;
            }

            public Optional<String> read(PayloadReader in) {
                return Optional.of("x");
            }

            public Result<Liar> run(CommandContext c, String p) {
                return Result.ok(new Liar(false));
            }
        };
        CommandHandler handler =
                CommandHandler.builder(Ports.builder().build()).action(liar).build();

        assertThat(run(handler, row("LIAR", "{}", null)).get("code").asText()).isEqualTo("internal_error");
    }

    @Test
    void theWorkerAsksTheHandlerWhetherACustomActionMayRunAgain() {
        CommandHandler handler = CommandHandler.builder(Ports.builder().build())
                .action(new PostScore())
                .build();

        assertThat(handler.idempotent("POST_SCORE")).isFalse();
        assertThat(handler.idempotent(" POST_SCORE ")).isFalse();
        assertThat(handler.idempotent("purge")).isFalse();
        assertThat(handler.idempotent("lock")).isTrue();
        assertThat(handler.idempotent("nobodyKnowsMe")).isTrue();
    }

    /** Waits on a latch nobody opens, like a handler calling a service that never answers. */
    static class Hangs implements CustomAction<Boolean, Posted> {
        final java.util.concurrent.CountDownLatch interrupted = new java.util.concurrent.CountDownLatch(1);

        @Override
        public String wireName() {
            return "HANGS";
        }

        @Override
        public boolean idempotent() {
            return true;
        }

        @Override
        public Optional<Boolean> read(PayloadReader in) {
            return Optional.of(Boolean.TRUE);
        }

        @Override
        public Result<Posted> run(CommandContext context, Boolean ignored) {
            try {
                new java.util.concurrent.CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return Result.ok(new Posted("late", 0));
        }
    }

    @Test
    void aCustomActionThatNeverReturnsAnswersTimedOutAtItsDeadlineAndItsThreadIsInterrupted()
            throws InterruptedException {
        Hangs action = new Hangs();
        CommandHandler handler = CommandHandler.builder(Ports.builder()
                        .access((ctx, req) -> Result.ok(Done.DONE))
                        .build())
                .language(Language.EN)
                .action(action)
                .customActionTimeout(Duration.ofMillis(200))
                .build();

        ObjectNode result = run(handler, row("HANGS", "{}", "333333333333333333"));

        assertThat(result.get("ok").asBoolean()).isFalse();
        assertThat(result.get("code").asText()).isEqualTo("timed_out");
        assertThat(result.get("reason").asText()).contains("HANGS").contains("check before trying again");
        assertThat(action.interrupted.await(5, java.util.concurrent.TimeUnit.SECONDS))
                .as("the handler's thread was interrupted")
                .isTrue();
    }

    @Test
    void aCustomActionsExceptionStillEndsInternalErrorThroughItsBoundedRun() {
        CustomAction<Boolean, Posted> throwing = new Hangs() {
            @Override
            public String wireName() {
                return "THROWS";
            }

            @Override
            public Result<Posted> run(CommandContext context, Boolean ignored) {
                throw new IllegalStateException("boom");
            }
        };
        CommandHandler handler = CommandHandler.builder(Ports.builder()
                        .access((ctx, req) -> Result.ok(Done.DONE))
                        .build())
                .language(Language.EN)
                .action(throwing)
                .build();

        assertThat(run(handler, row("THROWS", "{}", "333333333333333333"))
                        .get("code")
                        .asText())
                .isEqualTo("internal_error");
    }
}

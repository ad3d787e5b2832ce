package com.valoratbot.core.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.valoratbot.core.command.Action;
import com.valoratbot.core.command.CommandParser;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.AccessRequirements;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.CompleteCommands.Completion;
import com.valoratbot.core.port.MarkStarted;
import com.valoratbot.core.port.QueuedCommand;
import com.valoratbot.core.port.QueuedCommand.Admission;
import com.valoratbot.core.port.schedule.GuildPresence;
import com.valoratbot.core.result.*;
import com.valoratbot.core.text.Language;
import com.valoratbot.core.text.Messages;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one claimed row to its final result: expiry, parsing and validation, per-guild rate limit,
 * access checks, then the action's port, and finally the contract's result shape. Never throws for
 * anything a payload can contain; an adapter's exception becomes {@code internal_error}.
 */
public final class CommandHandler {

    /** A custom action's handler is given as long as a Discord call (adapters-discord's per-command deadline). */
    public static final Duration DEFAULT_CUSTOM_ACTION_TIMEOUT = Duration.ofSeconds(60);

    private static final System.Logger LOG = System.getLogger(CommandHandler.class.getName());
    /** Results are records; {@code {"ok": true}} alone is an empty one. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(com.fasterxml.jackson.databind.SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private final CommandParser parser;
    private final Ports ports;
    private final Messages messages;
    private final Duration maxAge;
    private final AnonymousRows anonymousRows;
    private final GuildPresence presence;
    /** By wire name; never one of {@link com.valoratbot.core.command.Action}'s names (refused when registered). */
    private final Map<String, CustomAction<?, ?>> customActions;

    private final Duration customActionTimeout;

    private CommandHandler(Builder b) {
        this.customActions = Map.copyOf(b.customActions);
        this.parser = b.parser.alsoKnowing(customActions.keySet());
        this.ports = b.ports;
        this.messages = new Messages(b.language);
        this.maxAge = b.maxAge;
        this.anonymousRows = b.anonymousRows;
        this.presence = b.presence;
        this.customActionTimeout = b.customActionTimeout;
    }

    public static Builder builder(Ports ports) {
        return new Builder(ports);
    }

    public Messages messages() {
        return messages;
    }

    /** The wire names of the custom actions registered with {@link Builder#action}. */
    public Set<String> customActionNames() {
        return customActions.keySet();
    }

    /**
     * Whether a row of {@code actionName} may run again after its worker died mid-run: a built-in
     * or custom action's own flag; a name nobody knows ends {@code unknown_action} without doing
     * anything, so running it again is harmless.
     */
    public boolean idempotent(String actionName) {
        CustomAction<?, ?> custom = custom(actionName);
        if (custom != null) return custom.idempotent();
        return Action.fromWireName(actionName).map(BuiltInActions::idempotent).orElse(true);
    }

    /** Stripped as {@link Action#fromWireName} strips, so a row's " ADD_QUEST_PROGRESS" is the same action. */
    private CustomAction<?, ?> custom(String actionName) {
        return actionName == null ? null : customActions.get(actionName.strip());
    }

    public Completion handle(QueuedCommand row) {
        return handle(row, MarkStarted.NONE);
    }

    /**
     * As {@link #handle(QueuedCommand)}, recording through {@code started} that a non-idempotent
     * command's side effects begin, right before its first Discord call (idempotent ones cost
     * nothing extra: running them again is harmless).
     */
    public Completion handle(QueuedCommand row, MarkStarted started) {
        try {
            // Written inside the try: a result record that cannot be written is a bug like any other.
            return completion(row.id(), execute(row, started));
        } catch (RuntimeException | StackOverflowError bug) {
            LOG.log(
                    System.Logger.Level.ERROR,
                    "command " + row.id() + " (" + shown(String.valueOf(row.action())) + ") failed unexpectedly",
                    bug);
            return completion(row.id(), Result.err(ErrorCode.INTERNAL_ERROR, "internal_error"));
        }
    }

    /**
     * The result of a row for a guild the bot is certainly not in, as {@link #answerWithoutRunning}
     * writes it: the queue may write it itself, in SQL, for a whole flood of such rows at once.
     */
    public String guildNotFoundResult() {
        return completion("", Result.err(Failure.of(ErrorCode.GUILD_NOT_FOUND, "guild_not_found")))
                .resultJson();
    }

    /** The final row for a command that will not run: its worker died and it is not safe to repeat. */
    public Completion interrupted(QueuedCommand row) {
        return completion(
                row.id(), Result.err(ErrorCode.INTERRUPTED, "interrupted", shown(String.valueOf(row.action()))));
    }

    public Completion completion(String commandId, Result<? extends Record> result) {
        return switch (result) {
            case Result.Ok<? extends Record>(var value) -> new Completion(commandId, true, okJson(value));
            case Result.Err<? extends Record>(var failure) ->
                new Completion(commandId, false, write(failureJson(failure)));
        };
    }

    /**
     * {@code {"ok": true}} followed by the result record's components, in their order, as Jackson
     * writes them (a record inside, a list, null, an {@code Instant} as ISO-8601 text). Written in
     * one pass, the record's property names checked once per record type: every command's outcome
     * goes through here, and a tree built and written again cost the worker a sixth more CPU per
     * command in the queue benchmark.
     */
    private static String okJson(Record result) {
        Objects.requireNonNull(result, "a result");
        String taken = CONTRACT_KEYS_USED.get(result.getClass());
        if (taken != null) {
            // The contract's own keys: a result that set them would lie about the outcome.
            throw new IllegalStateException(result.getClass().getName() + " has a component named '" + taken
                    + "', which the result shape owns");
        }
        String fields = write(result);
        return fields.equals("{}") ? "{\"ok\":true}" : "{\"ok\":true," + fields.substring(1);
    }

    /** The first of the contract's keys a result type would write as a property of its own, or null. */
    private static final ClassValue<String> CONTRACT_KEYS_USED = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
            Set<String> names = new java.util.HashSet<>();
            JSON.getSerializationConfig()
                    .introspect(JSON.constructType(type))
                    .findProperties()
                    .forEach(property -> names.add(property.getName()));
            return List.of("ok", "reason", "code").stream()
                    .filter(names::contains)
                    .findFirst()
                    .orElse(null);
        }
    };

    public Map<String, Object> failureJson(Failure failure) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", false);
        out.put("reason", messages.render(failure.reason()));
        out.put("code", failure.code().wireName());
        failure.details().forEach(out::putIfAbsent);
        return out;
    }

    /**
     * The outcome of a row that must not run, decided without parsing its payload, so the runtime
     * answers it in bulk without a thread: what the queue refused in SQL (too large, already
     * executed, too many attempts), too old, or for a guild the bot is not in (floods of junk
     * guild ids cost no slot).
     */
    public Optional<Completion> answerWithoutRunning(QueuedCommand row) {
        Optional<Failure> refusal = switch (row.admission()) {
            case Admission.Run run -> Optional.empty();
            case Admission.PayloadTooLarge(long bytes, long limit) ->
                Optional.of(Failure.of(ErrorCode.PAYLOAD_TOO_LARGE, "payload_too_large", bytes, limit)
                        .with("maxBytes", limit));
            case Admission.AlreadyExecuted done ->
                Optional.of(Failure.of(ErrorCode.ALREADY_EXECUTED, "already_executed"));
            case Admission.TooManyAttempts(int attempts) ->
                Optional.of(Failure.of(ErrorCode.TOO_MANY_ATTEMPTS, "too_many_attempts", attempts));
        };
        if (refusal.isEmpty() && row.age() != null && row.age().compareTo(maxAge) > 0) {
            refusal = Optional.of(
                    Failure.of(ErrorCode.EXPIRED, "expired", row.age().toSeconds(), maxAge.toSeconds()));
        }
        if (refusal.isEmpty()) {
            Optional<Snowflake> guild = Snowflake.parse(row.guildId());
            // Only when certainly absent: during a reconnect or a guild outage the row runs, and the
            // adapter answers discord_timeout (retryable) rather than a permanent guild_not_found.
            if (guild.isPresent() && certainlyAbsent(guild.get())) {
                refusal = Optional.of(Failure.of(ErrorCode.GUILD_NOT_FOUND, "guild_not_found"));
            }
        }
        return refusal.map(f -> completion(row.id(), Result.err(f)));
    }

    /**
     * The claim loop answers a whole batch in one pass: a presence port that throws (a gateway being
     * closed) must not leave the rest of the batch claimed and never run. Unsure means "run it": the
     * row then goes through {@link #handle}, which turns any failure into a result.
     */
    private boolean certainlyAbsent(Snowflake guild) {
        try {
            return presence.certainlyAbsent(guild);
        } catch (RuntimeException unsure) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "could not tell whether the bot is in guild " + guild + "; running the command",
                    unsure);
            return false;
        }
    }

    Result<Record> execute(QueuedCommand row) {
        return execute(row, MarkStarted.NONE);
    }

    Result<Record> execute(QueuedCommand row, MarkStarted started) {
        if (row.age() != null && row.age().compareTo(maxAge) > 0) {
            return Result.err(ErrorCode.EXPIRED, "expired", row.age().toSeconds(), maxAge.toSeconds());
        }
        Optional<Snowflake> guild = Snowflake.parse(row.guildId());
        if (guild.isEmpty()) {
            return Result.err(new Failure(
                    ErrorCode.INVALID_PAYLOAD,
                    Text.of(
                            "invalid_payload",
                            List.of(Text.of("field.snowflake", "guild_id", shown(String.valueOf(row.guildId()))))),
                    Map.of()));
        }
        // A requester is checked, never trusted: a blank or non-canonical requested_by must not turn
        // into "anonymous" (skipping the requester's checks) or into somebody else's id.
        Optional<Snowflake> requester = Optional.empty();
        if (row.requestedBy().isPresent()) {
            requester = Snowflake.parse(row.requestedBy().get());
            if (requester.isEmpty()) {
                return Result.err(new Failure(
                        ErrorCode.INVALID_PAYLOAD,
                        Text.of(
                                "invalid_payload",
                                List.of(Text.of(
                                        "field.snowflake",
                                        "requested_by",
                                        shown(row.requestedBy().get())))),
                        Map.of()));
            }
        }
        Result<JsonNode> read = CommandParser.readPayload(row.payloadJson());
        if (read instanceof Result.Err<JsonNode>(var failure)) return Result.err(failure);
        JsonNode payload = ((Result.Ok<JsonNode>) read).value();
        CommandContext context = new CommandContext(row.id(), guild.get(), requester);
        CustomAction<?, ?> custom = custom(row.action());
        if (custom != null) return executeCustom(row, context, custom, payload, started);
        return parser.parse(row.action(), payload).flatMap(command -> {
            BuiltInActions.Policy policy = BuiltInActions.of(command);
            // A row that names nobody may run only what VALORATBOT_ANONYMOUS_ROWS allows; checked
            // before the rate limit and the access check, since there is no requester to check.
            if (context.requestedBy().isEmpty()) {
                Optional<Failure> refused =
                        anonymousRows.refusal(command.action().wireName(), policy.risk());
                if (refused.isPresent()) return Result.err(refused.get());
            }
            return admitted(
                    row,
                    context,
                    started,
                    BuiltInActions.idempotent(command.action()),
                    () -> ports.rateLimits().admit(context.guildId(), command.action()),
                    policy.access(),
                    () -> policy.run().on(ports, context));
        });
    }

    /**
     * A custom action takes the built-in path from the payload on: read under the same rules, the
     * anonymous-rows policy, then {@link #admitted}.
     */
    private <P, R extends Record> Result<Record> executeCustom(
            QueuedCommand row,
            CommandContext context,
            CustomAction<P, R> action,
            JsonNode payload,
            MarkStarted started) {
        return CommandParser.<P>readWith(payload, action::read).flatMap(value -> {
            AccessRequirements needs = action.access(value);
            if (context.requestedBy().isEmpty()) {
                Optional<Failure> refused = anonymousRows.refusal(
                        action.wireName(), action.risk(), !needs.requester().isEmpty());
                if (refused.isPresent()) return Result.err(refused.get());
            }
            return admitted(
                    row,
                    context,
                    started,
                    action.idempotent(),
                    () -> ports.rateLimits().admitCustom(context.guildId(), action.wireName()),
                    needs,
                    () -> runBounded(action, context, value));
        });
    }

    /**
     * An embedder's handler may block on its own I/O. Unbounded, one hung call would keep its row
     * {@code processing} under a live lease for ever, the guild's later rows expiring behind it, and
     * enough of them would fill the worker's slots. Built-in actions are bounded by the Discord
     * adapter's per-command deadline; a custom one gets a deadline here. Past it the handler's thread
     * is interrupted and the row answers {@code timed_out}: its effect may still land, so the reason
     * says to check before retrying.
     */
    private <P, R extends Record> Result<? extends Record> runBounded(
            CustomAction<P, R> action, CommandContext context, P value) {
        FutureTask<Result<R>> task = new FutureTask<>(() -> action.run(context, value));
        Thread.ofVirtual()
                .name("custom-action-" + action.wireName() + "-" + context.commandId())
                .start(task);
        try {
            return task.get(customActionTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException slow) {
            task.cancel(true);
            LOG.log(
                    System.Logger.Level.WARNING,
                    "custom action " + action.wireName() + " of command " + context.commandId()
                            + " did not finish within " + customActionTimeout + "; its thread was interrupted");
            return Result.err(
                    ErrorCode.TIMED_OUT, "action.timed_out", action.wireName(), customActionTimeout.toSeconds());
        } catch (ExecutionException failed) {
            // The handler's own exception, as if it had been thrown here: handle() maps it to internal_error.
            if (failed.getCause() instanceof RuntimeException e) throw e;
            if (failed.getCause() instanceof Error e) throw e;
            throw new IllegalStateException(failed.getCause());
        } catch (InterruptedException stopping) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            throw new CancellationException(
                    "the worker stopped while custom action " + action.wireName() + " was running");
        }
    }

    /**
     * The steps every validated command takes, built-in or custom, in this order: the guild's rate
     * limit, the access check, the start mark for an action that is not idempotent, then the action.
     */
    private Result<Record> admitted(
            QueuedCommand row,
            CommandContext context,
            MarkStarted started,
            boolean idempotent,
            java.util.function.Supplier<Result<Done>> rateLimit,
            AccessRequirements needs,
            java.util.function.Supplier<? extends Result<? extends Record>> action) {
        return rateLimit
                .get()
                .flatMap(admitted -> ports.access().check(context, needs))
                .flatMap(allowed -> idempotent || started.started(context.commandId())
                        ? action.get().<Record>map(Record.class::cast)
                        // Lost the lease meanwhile: another worker settles it; this outcome is not stored.
                        : Result.err(ErrorCode.INTERRUPTED, "interrupted", row.action()));
    }

    /** A hostile value is echoed in the reason only as far as a person needs to recognise it. */
    private static String shown(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "…" : value;
    }

    private static String write(Object fields) {
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a result must always serialize", e);
        }
    }

    /** Parses a result column back, for callers that show or compare results. */
    public static ObjectNode readResult(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalArgumentException("not a result object: " + json, e);
        }
    }

    public static final class Builder {
        private final Ports ports;
        private CommandParser parser = CommandParser.withDefaults();
        private Language language = Language.FR;
        private Duration maxAge = Duration.ofSeconds(24);
        private Duration customActionTimeout = DEFAULT_CUSTOM_ACTION_TIMEOUT;
        private AnonymousRows anonymousRows = AnonymousRows.DEFAULT;
        private GuildPresence presence = GuildPresence.everyGuild();
        private final Map<String, CustomAction<?, ?>> customActions = new java.util.LinkedHashMap<>();

        private Builder(Ports ports) {
            this.ports = Objects.requireNonNull(ports, "ports");
        }

        public Builder parser(CommandParser v) {
            parser = Objects.requireNonNull(v);
            return this;
        }

        public Builder language(Language v) {
            language = Objects.requireNonNull(v);
            return this;
        }

        /**
         * Pending longer than this and a command is not run ({@code expired}). Default 24 s: the
         * dashboard stops waiting after 24 s (30 polls of 800 ms), and a purge or announcement run
         * after the user was told it timed out surprises everyone.
         */
        public Builder maxAge(Duration v) {
            if (v == null || v.isNegative() || v.isZero())
                throw new IllegalArgumentException("maxAge must be positive, was " + v);
            maxAge = v;
            return this;
        }

        /** What rows without a requester may run. Default {@link AnonymousRows#ALL_BUT_MASS_MENTIONS}. */
        public Builder anonymousRows(AnonymousRows v) {
            anonymousRows = Objects.requireNonNull(v);
            return this;
        }
        /** Whether the bot is in a guild; rows for other guilds are answered {@code guild_not_found} without a slot. */
        public Builder presence(GuildPresence v) {
            presence = Objects.requireNonNull(v);
            return this;
        }

        /**
         * How long a {@linkplain #action custom action}'s handler may run before its row answers
         * {@code timed_out} and its thread is interrupted. Default {@link #DEFAULT_CUSTOM_ACTION_TIMEOUT},
         * the Discord adapter's per-command deadline.
         */
        public Builder customActionTimeout(Duration v) {
            if (v == null || v.isNegative() || v.isZero())
                throw new IllegalArgumentException("customActionTimeout must be positive, was " + v);
            customActionTimeout = v;
            return this;
        }

        /**
         * Adds an action of the embedding bot, run with the same queue guarantees as the built-in
         * ones (see {@link CustomAction}).
         *
         * @throws IllegalArgumentException for a name that is not an action name
         *         ({@link CustomAction#WIRE_NAME}), that is a built-in action's, or that is registered already
         */
        public Builder action(CustomAction<?, ?> action) {
            Objects.requireNonNull(action, "action");
            String name = action.wireName();
            if (name == null || !CustomAction.WIRE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("custom action: not an action name: '" + name
                        + "' (letters, digits and _ . : -, at most 100 characters)");
            }
            if (Action.fromWireName(name).isPresent()) {
                throw new IllegalArgumentException(
                        "custom action '" + name + "' has the name of a built-in action; choose another name");
            }
            if (customActions.putIfAbsent(name, action) != null) {
                throw new IllegalArgumentException("custom action '" + name + "' is registered twice");
            }
            return this;
        }

        public CommandHandler build() {
            return new CommandHandler(this);
        }
    }
}

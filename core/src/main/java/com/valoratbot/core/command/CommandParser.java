package com.valoratbot.core.command;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.valoratbot.core.command.Announcement.MentionKind;
import com.valoratbot.core.command.Command.*;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Failure;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.result.Text;
import java.net.URI;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a row's {@code action} and {@code payload} into a validated {@link Command}, before anything
 * touches Discord. A {@code null} or missing payload is an empty object; unknown fields are ignored
 * so a newer dashboard can send more than this worker knows.
 */
public final class CommandParser {

    private static final Pattern HEX_COLOR = Pattern.compile("#?([0-9a-fA-F]{6})");

    /** No field is a number longer than this; Jackson's default (1,000) still costs quadratic parsing. */
    public static final int MAX_NUMBER_LENGTH = 64;
    /** Above Discord's longest text (4,096 in an embed); the command table's own size limit is usually lower. */
    public static final int MAX_STRING_LENGTH = 256 * 1024;
    /** A payload is at most two objects deep (the embed); deeper is junk, and deep recursion costs stack. */
    public static final int MAX_NESTING_DEPTH = 32;

    public static final int MAX_NAME_LENGTH = 256;
    /** A valid payload has a few dozen tokens; a list of 100,000 mentions is junk. */
    public static final long MAX_TOKENS = 10_000;

    /**
     * Reads payloads with explicit StreamReadConstraints, checked by the parser before any value is
     * built, so a hostile row is refused for the price of scanning it once.
     */
    private static final ObjectMapper PAYLOAD_JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxStringLength(MAX_STRING_LENGTH)
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxNameLength(MAX_NAME_LENGTH)
                    .maxTokenCount(MAX_TOKENS)
                    .build())
            .build());

    private final int maxPurgeAmount;
    /** Custom actions' names, only to list them in an {@code unknown_action} reason. */
    private final List<String> customNames;

    private CommandParser(int maxPurgeAmount, List<String> customNames) {
        this.maxPurgeAmount = maxPurgeAmount;
        this.customNames = List.copyOf(customNames);
    }

    public static CommandParser withDefaults() {
        return withMaxPurgeAmount(Purge.DEFAULT_MAX_AMOUNT);
    }

    public static CommandParser withMaxPurgeAmount(int maxPurgeAmount) {
        if (maxPurgeAmount < 1)
            throw new IllegalArgumentException("maxPurgeAmount must be at least 1, was " + maxPurgeAmount);
        return new CommandParser(maxPurgeAmount, List.of());
    }

    /** This parser, also naming {@code names} (custom actions, parsed elsewhere) among the known actions of an {@code unknown_action} reason. */
    public CommandParser alsoKnowing(java.util.Collection<String> names) {
        return new CommandParser(maxPurgeAmount, names.stream().sorted().toList());
    }

    /**
     * The {@code payload} column's JSON text as a tree ({@code null} for SQL NULL), or
     * {@code invalid_payload}: not JSON ({@code payload.object}), or over the parser's limits
     * ({@code payload.limits}, naming them).
     */
    public static Result<JsonNode> readPayload(String json) {
        if (json == null) return Result.ok(null);
        try {
            return Result.ok(PAYLOAD_JSON.readTree(json));
        } catch (StreamConstraintsException overLimits) {
            return Result.err(new Failure(
                    ErrorCode.INVALID_PAYLOAD,
                    Text.of(
                            "invalid_payload",
                            List.of(Text.of(
                                    "payload.limits",
                                    MAX_NUMBER_LENGTH,
                                    MAX_STRING_LENGTH,
                                    MAX_NESTING_DEPTH,
                                    MAX_TOKENS))),
                    java.util.Map.of()));
        } catch (JsonProcessingException malformed) {
            return Result.err(new Failure(
                    ErrorCode.INVALID_PAYLOAD,
                    Text.of("invalid_payload", List.of(Text.of("payload.object"))),
                    java.util.Map.of()));
        }
    }

    public Result<Command> parse(String actionName, JsonNode payload) {
        Optional<Action> action = Action.fromWireName(actionName);
        if (action.isEmpty()) {
            // Echoed only in part: the action column is whatever a dashboard wrote, of any length.
            String shown = actionName == null || actionName.length() <= 40
                    ? String.valueOf(actionName)
                    : actionName.substring(0, 40) + "…";
            return Result.err(
                    ErrorCode.UNKNOWN_ACTION,
                    "unknown_action",
                    shown,
                    String.join(
                            ", ",
                            java.util.stream.Stream.concat(
                                            Arrays.stream(Action.values()).map(Action::wireName), customNames.stream())
                                    .toList()));
        }
        return readWith(payload, in -> read(action.get(), in));
    }

    /**
     * Reads {@code payload} with {@code read}, under the rules every action follows: the payload is a
     * JSON object (or absent), and any problem {@code read} records makes it {@code invalid_payload}
     * naming every problem, as does an empty answer. Custom actions are read through this too.
     */
    public static <T> Result<T> readWith(
            JsonNode payload, java.util.function.Function<PayloadReader, ? extends Optional<? extends T>> read) {
        if (payload != null && !payload.isNull() && !payload.isMissingNode() && !payload.isObject()) {
            return Result.err(ErrorCode.INVALID_PAYLOAD, "invalid_payload", List.of(Text.of("payload.object")));
        }
        PayloadReader in = new PayloadReader(payload);
        Optional<? extends T> value = read.apply(in);
        // A reader that refuses without saying why (a custom action's) still gets a reason.
        if (value.isEmpty() && in.problems().isEmpty()) in.problem("payload.refused");
        if (!in.problems().isEmpty() || value.isEmpty()) {
            return Result.err(new Failure(
                    ErrorCode.INVALID_PAYLOAD,
                    Text.of("invalid_payload", List.copyOf(in.problems())),
                    java.util.Map.of()));
        }
        return Result.ok(value.get());
    }

    private Optional<? extends Command> read(Action action, PayloadReader in) {
        return switch (action) {
            case LIST_TEXT_CHANNELS -> Optional.of(new ListTextChannels());
            case LIST_VOICE_CHANNELS -> Optional.of(new ListVoiceChannels());
            case PURGE -> {
                var channel = in.requiredSnowflake("channelId");
                var amount = in.requiredInt("amount", 1, maxPurgeAmount);
                var mode = in.choice("mode", PurgeMode.COUNT, List.of(PurgeMode.values()), PurgeMode::wireName);
                yield all(channel, amount, mode)
                        ? Optional.of(new Purge(channel.get(), amount.get(), mode.get()))
                        : Optional.empty();
            }
            case SLOWMODE -> {
                var channel = in.requiredSnowflake("channelId");
                var duration = in.requiredInt("duration", 0, Slowmode.MAX_SECONDS);
                yield all(channel, duration)
                        ? Optional.of(new Slowmode(channel.get(), duration.get()))
                        : Optional.empty();
            }
            case LOCK -> in.requiredSnowflake("channelId").map(Lock::new);
            case UNLOCK -> in.requiredSnowflake("channelId").map(Unlock::new);
            case ANNOUNCE -> announcement(in).map(Announce::new);
            case SCHEDULE_ANNOUNCE -> {
                var announcement = announcement(in);
                var when = scheduledTime(in);
                yield all(announcement, when)
                        ? Optional.of(new ScheduleAnnounce(announcement.get(), when.get()))
                        : Optional.empty();
            }
            case LIST_SCHEDULED -> Optional.of(new ListScheduled());
            case CANCEL_SCHEDULED ->
                in.requiredText("scheduledId", 100).map(String::strip).map(CancelScheduled::new);
            case SCHEDULE_LEADERBOARD -> {
                var channel = in.requiredSnowflake("channelId");
                var days = in.optionalInt("trackDays", 1, ScheduleLeaderboard.MAX_TRACK_DAYS);
                var day = in.optionalInt("dayOfWeek", 0, 6);
                var hour = in.optionalInt("hour", 0, 23);
                yield in.problems().isEmpty() && channel.isPresent()
                        ? Optional.of(new ScheduleLeaderboard(
                                channel.get(),
                                days.orElse(ScheduleLeaderboard.DEFAULT_TRACK_DAYS),
                                day.orElse(0),
                                hour.orElse(20)))
                        : Optional.empty();
            }
            case POST_LEADERBOARD -> {
                var channel = in.requiredSnowflake("channelId");
                var days = in.optionalInt("trackDays", 1, ScheduleLeaderboard.MAX_TRACK_DAYS);
                yield in.problems().isEmpty() && channel.isPresent()
                        ? Optional.of(new PostLeaderboard(channel.get(), days))
                        : Optional.empty();
            }
            case GET_LEADERBOARD -> {
                var days = in.optionalInt("trackDays", 1, ScheduleLeaderboard.MAX_TRACK_DAYS);
                yield in.problems().isEmpty() ? Optional.of(new GetLeaderboard(days)) : Optional.empty();
            }
            case PLAY -> {
                var query = in.requiredText("query", Play.MAX_QUERY).map(String::strip);
                var channel = in.requiredSnowflake("voiceChannelId");
                yield all(query, channel) ? Optional.of(new Play(query.get(), channel.get())) : Optional.empty();
            }
            case PAUSE -> Optional.of(new Pause());
            case RESUME -> Optional.of(new Resume());
            case SKIP -> Optional.of(new Skip());
            case STOP -> Optional.of(new Stop());
            case GET_QUEUE -> Optional.of(new GetQueue());
            case REMOVE_FROM_QUEUE ->
                in.requiredInt("trackId", 0, Integer.MAX_VALUE).map(RemoveFromQueue::new);
        };
    }

    private static boolean all(Optional<?>... parts) {
        return Arrays.stream(parts).allMatch(Optional::isPresent);
    }

    private Optional<Announcement> announcement(PayloadReader in) {
        var channel = in.requiredSnowflake("channelId");
        int problemsBefore = in.problems().size();
        var message = in.optionalText("message", Announcement.MAX_MESSAGE);
        Optional<Embed> embed = in.object("embed").flatMap(this::embed);
        // Only when neither was given: a too-long message already has its own problem.
        if (message.isEmpty() && embed.isEmpty() && in.problems().size() == problemsBefore)
            in.problem("announce.empty");
        Set<MentionKind> mentions = mentions(in);
        if (!in.problems().isEmpty() || channel.isEmpty()) return Optional.empty();
        return Optional.of(new Announcement(channel.get(), message, embed, mentions));
    }

    /** An embed whose every part is empty counts as no embed, like an empty message. */
    private Optional<Embed> embed(PayloadReader in) {
        var title = in.optionalText("title", Embed.MAX_TITLE);
        var description = in.optionalText("description", Embed.MAX_DESCRIPTION);
        var color = in.optionalText("color", 16).flatMap(text -> {
            var m = HEX_COLOR.matcher(text.strip());
            if (m.matches()) return Optional.of(Integer.parseInt(m.group(1), 16));
            in.problem("field.color", in.fieldName("color"), text);
            return Optional.empty();
        });
        var image = in.optionalText("image", 2048)
                .flatMap(text -> httpUrl(text.strip()).or(() -> {
                    in.problem("field.url", in.fieldName("image"), text);
                    return Optional.empty();
                }));
        if (title.isEmpty() && description.isEmpty() && image.isEmpty()) return Optional.empty();
        return Optional.of(new Embed(title, description, color, image));
    }

    private static Optional<URI> httpUrl(String text) {
        try {
            URI uri = new URI(text);
            boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            return http && uri.getHost() != null ? Optional.of(uri) : Optional.empty();
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** Default: users may be pinged, never @everyone/@here or roles unless asked for. */
    private static Set<MentionKind> mentions(PayloadReader in) {
        Optional<List<String>> asked = in.optionalTextList("allowedMentions");
        if (asked.isEmpty()) return EnumSet.of(MentionKind.USERS);
        EnumSet<MentionKind> kinds = EnumSet.noneOf(MentionKind.class);
        for (String name : asked.get()) {
            Optional<MentionKind> kind = Arrays.stream(MentionKind.values())
                    .filter(k -> k.wireName().equalsIgnoreCase(name.strip()))
                    .findFirst();
            if (kind.isPresent()) kinds.add(kind.get());
            else in.problem("field.one_of", "allowedMentions", "everyone, roles, users", name);
        }
        return kinds;
    }

    /**
     * Years the bot stores: java.time reads up to year +999999999, which neither the database's
     * timestamps nor any real schedule can hold. Outside them is {@code invalid_payload} here, before
     * anything converts the time (the use case then applies its horizon).
     */
    static final int MIN_YEAR = 1970;

    static final int MAX_YEAR = 9999;

    private static Optional<ScheduledTime> scheduledTime(PayloadReader in) {
        return in.requiredText("scheduledFor", 64).map(String::strip).flatMap(text -> {
            ScheduledTime time;
            int year;
            try {
                OffsetDateTime absolute = OffsetDateTime.parse(text);
                time = new ScheduledTime.Absolute(absolute);
                year = absolute.getYear();
            } catch (DateTimeParseException notWithOffset) {
                try {
                    LocalDateTime local = LocalDateTime.parse(text);
                    time = new ScheduledTime.Local(local);
                    year = local.getYear();
                } catch (DateTimeParseException notLocal) {
                    in.problem("field.datetime", "scheduledFor", text);
                    return Optional.empty();
                }
            }
            if (year < MIN_YEAR || year > MAX_YEAR) {
                in.problem("field.datetime_range", "scheduledFor", text);
                return Optional.empty();
            }
            return Optional.of(time);
        });
    }
}

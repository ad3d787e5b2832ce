package com.valoratbot.core.run;

import com.valoratbot.core.command.PayloadReader;
import com.valoratbot.core.port.AccessRequirements;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.result.Result;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An action an embedding bot adds to the dashboard's command table, registered with
 * {@link CommandHandler.Builder#action}: for example a bot that serves the dashboard's
 * {@code ADD_QUEST_PROGRESS} rows.
 *
 * <p>A row naming it goes through the same steps as a built-in action, in the same order: it is
 * claimed in its guild's order (one command per guild at a time, oldest first), answered
 * {@code expired} past the maximum age, its payload size-checked in SQL and its JSON read under the
 * same limits before {@link #read} sees it ({@code payload_too_large}, {@code invalid_payload}),
 * then the anonymous-rows policy, the guild's rate limit (the general budget, one token),
 * {@link #access} (channels of the guild and of their kind, the bot's and the requester's
 * permissions), the start mark for a non-idempotent action, and finally {@link #run}. Its result
 * is written as {@code {"ok": true, …the record's fields}} or, for a failure,
 * {@code {"ok": false, "reason": …, "code": …}} as for every action.
 *
 * <p><b>Anonymous rows</b> (no {@code requested_by}; the dashboard's {@code command_queue} has no
 * such column): nobody can be checked, so an anonymous row may run a custom action only
 * when {@link #access} asks no permission of the requester; an action that asks one is refused
 * ({@code forbidden}). Otherwise the operator's {@code VALORATBOT_ANONYMOUS_ROWS} level applies to
 * the action's {@link #risk}, as for built-in actions.
 *
 * @param <P> the validated payload
 * @param <R> the result: a record, serialized by Jackson next to {@code "ok": true}; it must not
 *            have a component named {@code ok}, {@code reason} or {@code code}
 */
public interface CustomAction<P, R extends Record> {

    /** What a wire name may be: as {@code VALORATBOT_FOREIGN_ACTIONS} names, letters, digits and {@code _ . : -}. */
    Pattern WIRE_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");

    /** The row's {@code action}, exactly (compared after stripping the row's spaces, as built-in names are). */
    String wireName();

    /**
     * Whether running it again is harmless. A command whose worker died after it started its side
     * effects is run again only when this is true; otherwise it ends {@code interrupted}, never
     * repeated. Granting quest progress twice is not harmless: answer false unless {@link #run} is.
     */
    boolean idempotent();

    /**
     * Validates the payload. Record every problem on {@code in} (its typed readers do so themselves)
     * and return the payload, or empty: any problem makes the command {@code invalid_payload} with a
     * reason naming each one, and {@link #run} is never called. The payload is already known to be a
     * JSON object within the parser's limits.
     */
    Optional<P> read(PayloadReader in);

    /**
     * What the command needs and where: the channels it names (each must be a channel of the
     * command's guild, of the given kind), and the bot's and the requester's permissions. Default:
     * nothing, guild-wide.
     */
    default AccessRequirements access(P payload) {
        return AccessRequirements.NONE;
    }

    /** How much it could do in a stranger's hands, for {@code VALORATBOT_ANONYMOUS_ROWS}. Default {@link AnonymousRows.Kind#WRITE}. */
    default AnonymousRows.Kind risk() {
        return AnonymousRows.Kind.WRITE;
    }

    /**
     * Does it. Return {@code Result.err(…)} for an outcome the user should read (a stable
     * {@code result.code} and a reason); an exception becomes {@code internal_error}.
     */
    Result<R> run(CommandContext context, P payload);
}

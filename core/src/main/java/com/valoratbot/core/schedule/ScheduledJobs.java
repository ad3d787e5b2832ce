package com.valoratbot.core.schedule;

import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Result;

import java.util.function.Supplier;

/** What both scheduling use cases do around a due job's Discord call. */
final class ScheduledJobs {

    private static final System.Logger LOG = System.getLogger(ScheduledJobs.class.getName());

    private ScheduledJobs() {}

    /**
     * Runs the post, turning an unexpected exception into {@code internal_error}: the outcome is
     * stored like any refusal, so the row never stays sending or posting because an adapter threw.
     */
    static Result<Snowflake> guarded(String what, Supplier<Result<Snowflake>> post) {
        try {
            return post.get();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, what + " failed unexpectedly", e);
            return Result.err(ErrorCode.INTERNAL_ERROR, "internal_error");
        }
    }
}

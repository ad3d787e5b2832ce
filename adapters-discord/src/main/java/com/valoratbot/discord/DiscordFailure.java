package com.valoratbot.discord;

import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Failure;

/**
 * Carries a {@link Failure} out of the middle of an action (a Discord call deep in a purge) to the
 * port method, which turns it back into a {@code Result}. Never leaves this package.
 */
final class DiscordFailure extends RuntimeException {

    private final transient Failure failure;

    DiscordFailure(Failure failure) {
        super(failure.code().wireName() + " " + failure.reason().key(), null, false, false);
        this.failure = failure;
    }

    static DiscordFailure of(ErrorCode code, String key, Object... args) {
        return new DiscordFailure(Failure.of(code, key, args));
    }

    Failure failure() {
        return failure;
    }
}

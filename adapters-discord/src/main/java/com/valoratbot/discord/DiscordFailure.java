package com.valoratbot.discord;

import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Failure;
import com.valoratbot.core.result.Text;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;

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

    /** The contract's answer to a channel of another kind than the action needs; {@code kindKey} names that kind. */
    static DiscordFailure wrongType(GuildChannel channel, String kindKey) {
        return of(ErrorCode.INVALID_PAYLOAD, "channel_wrong_type", "#" + channel.getName(), Text.of(kindKey));
    }

    Failure failure() {
        return failure;
    }
}

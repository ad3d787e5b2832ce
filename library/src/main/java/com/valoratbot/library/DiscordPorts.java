package com.valoratbot.library;

import com.valoratbot.core.run.Ports;
import com.valoratbot.discord.DiscordGateway;

/**
 * The core ports one Discord session serves, set on a {@link Ports} builder. Here and not in the
 * adapter: adapters implement ports, they do not assemble core's runtime (the architecture rules
 * keep {@code core.run} out of them).
 */
public final class DiscordPorts {

    private DiscordPorts() {}

    /** Access checks, rate limits, channels, purge, moderation and announcements of {@code discord}; the caller adds the rest. */
    public static Ports.Builder of(DiscordGateway discord) {
        return Ports.builder().discord(discord);
    }
}

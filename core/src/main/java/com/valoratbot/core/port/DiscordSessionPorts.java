package com.valoratbot.core.port;

/**
 * The ports one Discord session serves together (the Discord adapter's gateway), so that whoever
 * assembles the use cases sets them in one call ({@code Ports.Builder.discord}) rather than six that
 * every assembly would repeat.
 */
public interface DiscordSessionPorts {

    CheckAccess access();

    RateLimitCommands rateLimits();

    ListChannels channels();

    PurgeMessages purge();

    ModerateChannels moderation();

    PostAnnouncements announcements();
}

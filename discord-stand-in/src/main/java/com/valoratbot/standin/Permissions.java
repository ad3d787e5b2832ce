package com.valoratbot.standin;

/**
 * Discord permission bits (the values of the {@code permissions}, {@code allow} and {@code deny} strings).
 */
public final class Permissions {

    public static final long CREATE_INSTANT_INVITE = 1L << 0;
    public static final long KICK_MEMBERS = 1L << 1;
    public static final long BAN_MEMBERS = 1L << 2;
    public static final long ADMINISTRATOR = 1L << 3;
    public static final long MANAGE_CHANNELS = 1L << 4;
    public static final long MANAGE_GUILD = 1L << 5;
    public static final long ADD_REACTIONS = 1L << 6;
    public static final long VIEW_AUDIT_LOG = 1L << 7;
    public static final long PRIORITY_SPEAKER = 1L << 8;
    public static final long STREAM = 1L << 9;
    public static final long VIEW_CHANNEL = 1L << 10;
    public static final long SEND_MESSAGES = 1L << 11;
    public static final long SEND_TTS_MESSAGES = 1L << 12;
    public static final long MANAGE_MESSAGES = 1L << 13;
    public static final long EMBED_LINKS = 1L << 14;
    public static final long ATTACH_FILES = 1L << 15;
    public static final long READ_MESSAGE_HISTORY = 1L << 16;
    public static final long MENTION_EVERYONE = 1L << 17;
    public static final long USE_EXTERNAL_EMOJIS = 1L << 18;
    public static final long CONNECT = 1L << 20;
    public static final long SPEAK = 1L << 21;
    public static final long MUTE_MEMBERS = 1L << 22;
    public static final long DEAFEN_MEMBERS = 1L << 23;
    public static final long MOVE_MEMBERS = 1L << 24;
    public static final long USE_VAD = 1L << 25;
    public static final long CHANGE_NICKNAME = 1L << 26;
    public static final long MANAGE_NICKNAMES = 1L << 27;
    public static final long MANAGE_ROLES = 1L << 28;
    public static final long MANAGE_WEBHOOKS = 1L << 29;
    public static final long MANAGE_THREADS = 1L << 34;
    public static final long CREATE_PUBLIC_THREADS = 1L << 35;
    public static final long CREATE_PRIVATE_THREADS = 1L << 36;
    public static final long SEND_MESSAGES_IN_THREADS = 1L << 38;
    public static final long MODERATE_MEMBERS = 1L << 40;

    /** Every bit Discord currently defines; what owners and administrators effectively hold. */
    public static final long ALL = (1L << 53) - 1;

    /** What a fresh guild's @everyone role gets (close to Discord's defaults, minus the exotic bits). */
    public static final long DEFAULT_EVERYONE = CREATE_INSTANT_INVITE
            | ADD_REACTIONS
            | STREAM
            | VIEW_CHANNEL
            | SEND_MESSAGES
            | EMBED_LINKS
            | ATTACH_FILES
            | READ_MESSAGE_HISTORY
            | USE_EXTERNAL_EMOJIS
            | CONNECT
            | SPEAK
            | USE_VAD
            | CHANGE_NICKNAME
            | CREATE_PUBLIC_THREADS
            | SEND_MESSAGES_IN_THREADS;

    /** What the project asks for in its invite link; the bot role's default. */
    public static final long BOT_DEFAULT = VIEW_CHANNEL
            | SEND_MESSAGES
            | EMBED_LINKS
            | ATTACH_FILES
            | READ_MESSAGE_HISTORY
            | MANAGE_MESSAGES
            | MANAGE_CHANNELS
            | MANAGE_ROLES
            | CONNECT
            | SPEAK
            | MENTION_EVERYONE
            | SEND_MESSAGES_IN_THREADS
            | CREATE_PUBLIC_THREADS
            | CREATE_PRIVATE_THREADS;

    private Permissions() {}

    /** True when {@code granted} holds every bit of {@code required}. */
    public static boolean has(long granted, long required) {
        return (granted & required) == required;
    }
}

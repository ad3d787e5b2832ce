package com.valoratbot.core.port;

/** The Discord permissions this project's actions need, named as Discord's documentation names them. */
public enum DiscordPermission {
    VIEW_CHANNEL("View Channel"),
    SEND_MESSAGES("Send Messages"),
    SEND_MESSAGES_IN_THREADS("Send Messages in Threads"),
    CREATE_PUBLIC_THREADS("Create Public Threads"),
    CREATE_PRIVATE_THREADS("Create Private Threads"),
    EMBED_LINKS("Embed Links"),
    ATTACH_FILES("Attach Files"),
    READ_MESSAGE_HISTORY("Read Message History"),
    MANAGE_MESSAGES("Manage Messages"),
    MANAGE_CHANNELS("Manage Channels"),
    MANAGE_ROLES("Manage Permissions"),
    MENTION_EVERYONE("Mention @everyone, @here and All Roles"),
    MANAGE_GUILD("Manage Server"),
    CONNECT("Connect"),
    SPEAK("Speak");

    private final String displayName;

    DiscordPermission(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }
}

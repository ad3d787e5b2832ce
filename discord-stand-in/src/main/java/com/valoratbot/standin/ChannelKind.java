package com.valoratbot.standin;

/** The guild channel types the stand-in models, with Discord's numeric {@code type}. */
public enum ChannelKind {
    TEXT(0),
    VOICE(2),
    CATEGORY(4),
    ANNOUNCEMENT(5),
    STAGE(13);

    private final int discordType;

    ChannelKind(int discordType) {
        this.discordType = discordType;
    }

    public int discordType() {
        return discordType;
    }

    /** Channels that hold messages: voice and stage channels have a text chat too. */
    public boolean holdsMessages() {
        return this != CATEGORY;
    }

    public boolean isAudio() {
        return this == VOICE || this == STAGE;
    }
}

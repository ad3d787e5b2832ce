package com.valoratbot.standin;

/** The {@code type} of a permission overwrite: 0 targets a role, 1 a member. */
public enum OverwriteType {
    ROLE(0),
    MEMBER(1);

    private final int discordType;

    OverwriteType(int discordType) {
        this.discordType = discordType;
    }

    public int discordType() {
        return discordType;
    }

    public static OverwriteType fromDiscordType(int type) {
        return switch (type) {
            case 0 -> ROLE;
            case 1 -> MEMBER;
            default -> throw new IllegalArgumentException("Unknown overwrite type " + type);
        };
    }
}

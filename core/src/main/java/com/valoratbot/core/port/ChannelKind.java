package com.valoratbot.core.port;

/**
 * Which kind of channel an action's channels must be. Decided in core with the rest of an action's
 * policy, so the Discord adapter only maps each kind to Discord's channel types and no action falls
 * into a silent default.
 */
public enum ChannelKind {
    /** A text or announcement channel. */
    TEXT("channel_kind.text"),
    /** A text channel only: announcement channels have no slowmode on Discord. */
    TEXT_ONLY("channel_kind.text_only"),
    /** A voice or stage channel. */
    VOICE("channel_kind.voice");

    private final String messageKey;

    ChannelKind(String messageKey) {
        this.messageKey = messageKey;
    }

    /** The message key naming this kind in a {@code channel_wrong_type} reason. */
    public String messageKey() {
        return messageKey;
    }
}

package com.valoratbot.discord.music;

/**
 * How the bot's voice connections are encrypted end to end.
 *
 * <p>Since 1 March 2026 Discord refuses voice clients without DAVE (voice close code 4017), so production
 * uses {@link #DAVE}. {@link #PASSTHROUGH} is for the Discord stand-in and tests, which speak the transport
 * encryption only.
 */
public enum VoiceMode {
    /** No end-to-end encryption: JDA's passthrough DAVE session. Only for the stand-in and tests. */
    PASSTHROUGH,
    /** DAVE through jdave (libdave over Java's FFM); needs its native library to load on this machine. */
    DAVE
}

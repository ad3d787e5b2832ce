package com.valoratbot.standin;

/** Gateway intent bits the stand-in filters on (a client receives only the events its intents ask for). */
final class GatewayIntents {
    static final int GUILDS = 1;
    static final int GUILD_MEMBERS = 1 << 1;
    static final int GUILD_VOICE_STATES = 1 << 7;
    static final int GUILD_MESSAGES = 1 << 9;
    static final int MESSAGE_CONTENT = 1 << 15;
    static final int DIRECT_MESSAGES = 1 << 12;

    private GatewayIntents() {}
}

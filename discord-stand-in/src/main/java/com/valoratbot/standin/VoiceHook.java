package com.valoratbot.standin;

/**
 * Extension point for the voice side: called after the stand-in has applied a Gateway op 4 from the bot and
 * dispatched the bot's VOICE_STATE_UPDATE. A voice server stand-in implements this to answer with
 * VOICE_SERVER_UPDATE ({@code token}, {@code guild_id}, {@code endpoint}), which is what a client waits for
 * before opening its voice connection.
 */
@FunctionalInterface
public interface VoiceHook {

    void onBotVoiceRequest(VoiceStateRequest request, VoiceGatewayContext context);

    /** This hook's part of {@code /_standin/state}, shown under {@code "voice"}; null (the default) for none. */
    default com.fasterxml.jackson.databind.JsonNode stateJson() {
        return null;
    }
}

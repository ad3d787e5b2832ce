package com.valoratbot.standin;

import com.fasterxml.jackson.databind.JsonNode;

/** What a {@link VoiceHook} can see of, and send to, the Gateway session that asked to join voice. */
public interface VoiceGatewayContext {

    /** The Gateway session id; Discord puts the same id in the bot's voice state. */
    String sessionId();

    long botUserId();

    /** Dispatches an event (e.g. {@code VOICE_SERVER_UPDATE}) to the requesting session only. */
    void dispatch(String eventName, JsonNode data);
}

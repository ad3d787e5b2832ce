package com.valoratbot.standin;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where state changes go to become Gateway dispatches. Called with the state lock held, so implementations
 * only enqueue.
 */
interface GatewayEvents {

    /** A guild the bot just "joined": connected sessions get its GUILD_CREATE. */
    void guildCreated(GuildData guild);

    /**
     * A dispatch for sessions whose intents include {@code requiredIntents} and that already received the
     * guild's GUILD_CREATE. {@code privilegedContent} marks message payloads whose content Discord blanks for
     * clients without the MESSAGE_CONTENT intent.
     */
    void dispatch(long guildId, String type, int requiredIntents, ObjectNode data, boolean privilegedContent);

    GatewayEvents NONE = new GatewayEvents() {
        @Override
        public void guildCreated(GuildData guild) {}

        @Override
        public void dispatch(
                long guildId, String type, int requiredIntents, ObjectNode data, boolean privilegedContent) {}
    };
}

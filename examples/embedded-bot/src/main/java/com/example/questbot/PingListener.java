package com.example.questbot;

import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;

/**
 * The bot's own feature, untouched by the embedding: answers {@code !ping} with {@code pong}.
 *
 * <p>Reading a message's text needs the privileged MESSAGE_CONTENT intent (see
 * {@link QuestBot#discord}); the backend never asks for it, so a bot that reads commands from
 * messages enables it itself.
 */
public final class PingListener extends ListenerAdapter {

    @Override
    public void onMessageReceived(MessageReceivedEvent event) {
        if (event.getAuthor().isBot()) return; // never answer a bot, ourselves included
        if (event.getMessage().getContentRaw().strip().equals("!ping")) {
            event.getChannel().sendMessage("pong").queue();
        }
    }
}

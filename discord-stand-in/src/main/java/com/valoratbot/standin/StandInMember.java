package com.valoratbot.standin;

import java.util.List;

/** A snapshot of one guild member (the user's fields are copied in). */
public record StandInMember(
        long guildId, long userId, String username, String globalName, boolean bot, String nick, List<Long> roleIds) {

    public StandInMember {
        roleIds = List.copyOf(roleIds);
    }
}

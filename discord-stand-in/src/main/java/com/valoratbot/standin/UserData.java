package com.valoratbot.standin;

/** A Discord user, shared by every guild the user is in. Guarded by the state lock. */
final class UserData {
    final long id;
    String username;
    String globalName;
    final boolean bot;

    UserData(long id, String username, String globalName, boolean bot) {
        this.id = id;
        this.username = username;
        this.globalName = globalName;
        this.bot = bot;
    }
}

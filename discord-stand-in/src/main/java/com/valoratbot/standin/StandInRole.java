package com.valoratbot.standin;

/** A snapshot of one role; the @everyone role's id is the guild's id. */
public record StandInRole(long id, long guildId, String name, long permissions, int position, boolean managed) {}

package com.valoratbot.standin;

/** A snapshot of one guild's own fields; {@code afkChannelId} is null when none is set. */
public record StandInGuild(long id, String name, long ownerId, Long afkChannelId, int afkTimeout) {}

package com.valoratbot.standin;

/** A channel permission overwrite for a role or a member. */
public record StandInOverwrite(long targetId, OverwriteType type, long allow, long deny) {}

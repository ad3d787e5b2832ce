package com.valoratbot.standin;

import java.time.Instant;

/** A user's membership of one guild. Guarded by the state lock. */
final class MemberData {
    final long userId;
    String nick;
    long[] roleIds;
    final Instant joinedAt;

    MemberData(long userId, long[] roleIds, Instant joinedAt) {
        this.userId = userId;
        this.roleIds = roleIds.clone();
        this.joinedAt = joinedAt;
    }
}

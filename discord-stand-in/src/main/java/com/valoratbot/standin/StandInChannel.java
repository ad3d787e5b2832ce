package com.valoratbot.standin;

import java.util.List;
import java.util.Optional;

/** A snapshot of one guild channel; {@code parentId} is null outside a category. */
public record StandInChannel(
        long id,
        long guildId,
        ChannelKind kind,
        String name,
        int position,
        Long parentId,
        int rateLimitPerUser,
        String topic,
        List<StandInOverwrite> overwrites) {

    public StandInChannel {
        overwrites = List.copyOf(overwrites);
    }

    public Optional<StandInOverwrite> overwrite(long targetId) {
        return overwrites.stream().filter(o -> o.targetId() == targetId).findFirst();
    }
}

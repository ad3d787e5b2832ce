package com.valoratbot.core.shard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.valoratbot.core.port.shard.UnownedCommands;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Failure;
import com.valoratbot.core.text.Messages;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Ends the commands that wait for a shard nobody holds (issue 11): no worker claims a guild's
 * commands unless it holds the guild's shard, so without this sweep they would stay pending for ever
 * when too few workers run. Past the maximum age they end {@code expired} (the code the dashboard
 * already knows), with a reason saying that no worker held the server's shard. Any sharded worker may
 * run it; an owner that claims a command first wins (the store skips what is no longer pending).
 */
public final class UnownedShardExpiry {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final UnownedCommands commands;
    private final Messages messages;
    private final int total;
    private final Duration maxAge;

    public UnownedShardExpiry(UnownedCommands commands, Messages messages, int total, Duration maxAge) {
        this.commands = Objects.requireNonNull(commands, "commands");
        this.messages = Objects.requireNonNull(messages, "messages");
        if (total < 1) throw new IllegalArgumentException("shard total must be at least 1, was " + total);
        this.total = total;
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    }

    /** @return how many commands it ended */
    public int sweep() {
        int ended = 0;
        for (int shard : commands.unownedShards(total)) {
            ended += commands.expire(shard, total, maxAge, resultJson(shard));
        }
        return ended;
    }

    /** The contract's failure shape: ok, reason, code, then the shard for operators. */
    String resultJson(int shard) {
        Failure f = Failure.of(ErrorCode.EXPIRED, "expired_no_shard_owner", maxAge.toSeconds(), shard, total);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", false);
        out.put("reason", messages.render(f.reason()));
        out.put("code", f.code().wireName());
        out.put("shard", shard);
        out.put("shardCount", total);
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

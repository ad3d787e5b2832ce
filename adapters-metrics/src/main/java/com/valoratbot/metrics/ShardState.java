package com.valoratbot.metrics;

import java.time.Duration;
import java.util.Optional;

/**
 * One gateway shard this process holds, as the Discord adapter sees it now.
 *
 * @param id        Discord's shard id (0 for an unsharded session)
 * @param status    the session's state as JDA names it ({@code CONNECTED}, {@code RECONNECT_QUEUED}, ...)
 * @param connected whether it receives events and can run commands
 * @param ping      the last heartbeat round trip; empty before the first one
 */
public record ShardState(int id, String status, boolean connected, Optional<Duration> ping) {}

package com.valoratbot.core.port.shard;

import java.time.Duration;

/**
 * IDENTIFY pacing shared by every worker process of one bot (adapters-supabase:
 * {@code valoratbot.shard_identify}). Discord starts one session per rate-limit key ({@code shard %
 * max_concurrency}) every 5 seconds and refuses an IDENTIFY sent sooner.
 */
public interface IdentifySlots {

    /**
     * Takes the IDENTIFY slot of {@code shard}'s bucket when its last IDENTIFY is at least {@code
     * interval} old, and holds it (no other worker takes it) until {@link #identified} or {@code hold}
     * passes, whichever first.
     *
     * @return {@link Duration#ZERO} when taken, otherwise how long until it may be
     */
    Duration take(String worker, int shard, int maxConcurrency, Duration interval, Duration hold);

    /**
     * The session's IDENTIFY went out now, or is about to (a renewal of the hold while it connects):
     * the bucket's next one waits {@code interval} from here.
     *
     * @return false when the slot is no longer this worker's (another took it after the hold ended)
     */
    boolean identified(String worker, int shard, int maxConcurrency);
}

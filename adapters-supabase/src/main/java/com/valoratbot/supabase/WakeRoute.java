package com.valoratbot.supabase;

/**
 * Whether a {@code valoratbot_commands} notification concerns a queue (issue 11). The insert trigger
 * ({@code notify_command_pending}, R__10) sends the command table's key, then, after one space, the
 * pending rows' guild ids comma-separated when there are at most 100 snowflakes; otherwise the key
 * alone. An unsharded queue wakes for any notification of its table; a sharded one only when a guild
 * lies on a shard it owns ({@code (id >> 22) % total}, as {@code valoratbot.shard_of}), so in a process
 * holding ten shards an insert wakes one queue instead of ten. Anything it cannot route (the key
 * alone, an empty payload, an id it cannot read) wakes the queue: a wake-up too many costs one claim
 * that finds nothing, a missed one costs a poll interval.
 */
final class WakeRoute {

    private WakeRoute() {}

    static boolean wakes(String payload, String tableKey, int total, int[] owned) {
        if (payload == null || payload.isEmpty() || payload.equals(tableKey)) return true;
        if (!payload.startsWith(tableKey)
                || payload.length() == tableKey.length()
                || payload.charAt(tableKey.length()) != ' ') return false; // another command table
        if (total < 1) return true; // unsharded: every guild is this queue's
        String ids = payload.substring(tableKey.length() + 1);
        int from = 0;
        while (from <= ids.length()) {
            int comma = ids.indexOf(',', from);
            int to = comma < 0 ? ids.length() : comma;
            int shard = shardOf(ids, from, to, total);
            if (shard < 0) return true;
            for (int o : owned) if (o == shard) return true;
            if (comma < 0) break;
            from = comma + 1;
        }
        return false;
    }

    /** The guild's shard as {@code valoratbot.shard_of} computes it, or -1 when it cannot be read. */
    private static int shardOf(String ids, int from, int to, int total) {
        if (to <= from || to - from > 20) return -1;
        long id = 0;
        for (int i = from; i < to; i++) {
            char c = ids.charAt(i);
            if (c < '0' || c > '9') return -1;
            if (id > (Long.MAX_VALUE - (c - '0')) / 10) return 0; // above bigint: shard_of says shard 0
            id = id * 10 + (c - '0');
        }
        return total < 2 ? 0 : (int) ((id >> 22) % total);
    }
}

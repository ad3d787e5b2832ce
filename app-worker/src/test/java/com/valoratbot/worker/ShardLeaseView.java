package com.valoratbot.worker;

import com.valoratbot.supabase.TestDatabase;
import java.util.HashMap;
import java.util.Map;

/** What the worker processes' shard leases say, read from the shared database by the multi-process tests. */
final class ShardLeaseView {

    private ShardLeaseView() {}

    static long readyShards(TestDatabase db) {
        return db.count("SELECT count(*) FROM valoratbot.shard_leases WHERE ready_at IS NOT NULL"
                + " AND lease_expires_at > clock_timestamp()");
    }

    /** Shard → pid of the process holding its live lease (the owner id is host-pid-shards-random). */
    static Map<Integer, Long> owners(TestDatabase db) {
        Map<Integer, Long> out = new HashMap<>();
        for (var row : db.rows("SELECT shard_id, owner_worker_id FROM valoratbot.shard_leases"
                + " WHERE lease_expires_at > clock_timestamp()")) {
            String owner = (String) row.get("owner_worker_id");
            String[] parts = owner.split("-shards-")[0].split("-");
            out.put((Integer) row.get("shard_id"), Long.parseLong(parts[parts.length - 1]));
        }
        return out;
    }
}

package com.valoratbot.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.ShardView;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Who holds which gateway shard (issue 11): {@code valoratbot.shard_leases} for this command table,
 * each owner's process, and how fresh each lease is, by the database's clock. Read-only; a database
 * where sharding was never on says so and exits 0.
 */
@Command(
        name = "shards",
        mixinStandardHelpOptions = true,
        description = {
            "Show the gateway shards of this command table: state, owner, lease, last renewal.",
            "Without sharding configured (no leases) it says so and exits 0."
        })
final class ShardsCommand extends DatabaseCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--json", description = "One JSON object per shard, one per line, instead of a table.")
    boolean json;

    @Override
    int run(Database db, CommandAdmin admin) {
        ShardView.Report report;
        try {
            report = ShardView.read(db);
        } catch (ShardView.NotMigrated e) {
            err().println("valoratbot: " + e.getMessage());
            return ValoratbotCli.FAILED;
        }
        if (json) {
            for (ShardView.Lease l : report.leases()) out().println(json(report.commandTable(), l));
            return 0;
        }
        if (report.leases().isEmpty()) {
            out().println("No shard leases for " + report.commandTable()
                    + ": sharding is not configured. Each worker opens one unsharded gateway session"
                    + " (see docs/scaling.md to shard).");
            return 0;
        }
        out().println(summary(report));
        if (report.shardCounts().size() > 1) {
            out().println("warning: leases were taken under different shard counts " + report.shardCounts()
                    + ": every worker must be given the same total; until the old leases expire the other"
                    + " workers take no shard");
        }
        String format = "%-5s  %-10s  %-28s  %-22s  %-6s  %-16s  %-9s  %-10s%n";
        out().printf(format, "SHARD", "STATE", "OWNER", "PROCESS", "EPOCH", "LEASE", "RENEWED", "READY FOR");
        for (ShardView.Lease l : report.leases()) {
            out().printf(
                            format,
                            l.shardId() + "/" + l.shardCount(),
                            state(l.state()),
                            l.owner()
                                    .orElse(l.released()
                                            .map(d -> "(released " + short_(d) + " ago)")
                                            .orElse("—")),
                            process(l),
                            l.epoch(),
                            lease(l),
                            l.renewed().map(d -> short_(d) + " ago").orElse("—"),
                            l.ready().map(ShardsCommand::short_).orElse("—"));
        }
        return 0;
    }

    private static String summary(ShardView.Report r) {
        return r.commandTable() + ": " + r.leases().size() + " shard"
                + (r.leases().size() == 1 ? "" : "s") + ", "
                + r.count(ShardView.State.READY) + " ready, " + r.count(ShardView.State.CONNECTING) + " connecting, "
                + r.count(ShardView.State.EXPIRED) + " expired, " + r.count(ShardView.State.FREE) + " free; "
                + r.owners() + " owner" + (r.owners() == 1 ? "" : "s");
    }

    private static String state(ShardView.State s) {
        return switch (s) {
            case READY -> "ready";
            case CONNECTING -> "connecting";
            case EXPIRED -> "expired";
            case FREE -> "free";
        };
    }

    private static String process(ShardView.Lease l) {
        if (l.owner().isEmpty()) return "";
        if (l.ownerHost().isEmpty() && l.ownerPid().isEmpty()) return "(no worker row)";
        return l.ownerHost().orElse("?") + ":"
                + l.ownerPid().map(String::valueOf).orElse("?")
                + l.ownerHeartbeat().map(d -> " beat " + short_(d)).orElse("");
    }

    private static String lease(ShardView.Lease l) {
        Optional<Duration> left = l.leaseLeft();
        if (left.isEmpty()) return "—";
        return left.get().isNegative()
                ? "expired " + short_(left.get().negated()) + " ago"
                : "ends in " + short_(left.get());
    }

    /** 850ms, 12s, 3m05s, 2h10m, 3d04h: what a person reads at a glance. */
    static String short_(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) return ms + "ms";
        long s = ms / 1000;
        if (s < 60) return s + "s";
        if (s < 3600) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        if (s < 86_400) return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
        return String.format(Locale.ROOT, "%dd%02dh", s / 86_400, s % 86_400 / 3600);
    }

    private static String json(String table, ShardView.Lease l) {
        ObjectNode o = JSON.createObjectNode();
        o.put("commandTable", table);
        o.put("shardId", l.shardId());
        o.put("shardCount", l.shardCount());
        o.put("state", state(l.state()));
        o.put("owner", l.owner().orElse(null));
        o.put("ownerHost", l.ownerHost().orElse(null));
        if (l.ownerPid().isPresent()) o.put("ownerPid", l.ownerPid().get());
        else o.putNull("ownerPid");
        o.put("epoch", l.epoch());
        millis(o, "ownerHeartbeatAgoMs", l.ownerHeartbeat());
        millis(o, "leaseLeftMs", l.leaseLeft());
        millis(o, "renewedAgoMs", l.renewed());
        millis(o, "acquiredAgoMs", l.acquired());
        millis(o, "readyForMs", l.ready());
        millis(o, "releasedAgoMs", l.released());
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void millis(ObjectNode o, String name, Optional<Duration> d) {
        if (d.isPresent()) o.put(name, d.get().toMillis());
        else o.putNull(name);
    }
}

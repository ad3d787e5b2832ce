package com.valoratbot.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * What {@link SideBySideBenchmark} prints after its table (issue 12, "where a target cannot be met,
 * show where the time goes against the floor"): PostgreSQL's side of every system's phases, the
 * floor measured on the same server in the same run, and each of the targets with the
 * figure that meets it or not. All figures are medians over the rounds.
 */
final class FloorAnalysis {

    static final double DRAIN_TARGET_PER_S = 10_000;
    static final double PICKUP_P50_TARGET_MS = 1.0;
    static final double PICKUP_P99_TARGET_MS = 5.0;
    static final double FLOOR_MARGIN_MS = 0.4;
    static final double WORKER_CPU_TARGET_MS = 50;

    private static final String[] STAGES = {
        "commit → notified", "notified → woken", "woken → claim call", "claim call", "claim → handler"
    };

    private FloorAnalysis() {}

    /** PostgreSQL's side, per job: its backends' CPU and the statements (round trips) the worker sent. */
    static String whereTheTimeGoes(
            Map<QueueSystem, List<SideBySideBenchmark.RoundFigures>> results, List<String> phases) {
        StringBuilder b = new StringBuilder(
                "Where the time goes, per job (PostgreSQL backends' CPU in ms; the worker's statements, each its own"
                        + " round trip and, in autocommit, its own commit). - = not measurable on this server.\n\n");
        b.append("| system | pickup |");
        phases.forEach(p -> b.append(' ').append(p).append(" |"));
        b.append("\n|---|---|");
        phases.forEach(p -> b.append("---|"));
        b.append('\n');
        results.forEach((s, rs) -> {
            if (rs.isEmpty()) return;
            b.append("| ").append(s.label()).append(" | ").append(cell(rs, r -> r.pickupCost()));
            for (String p : phases)
                b.append(" | ").append(cell(rs, r -> r.drains().get(p).cost()));
            b.append(" |\n");
        });
        return b.toString();
    }

    private static String cell(
            List<SideBySideBenchmark.RoundFigures> rs,
            Function<SideBySideBenchmark.RoundFigures, ServerCost.Cost> cost) {
        double cpu = median(rs, r -> cost.apply(r).backendCpuMs());
        double statements = median(rs, r -> cost.apply(r).statements());
        if (Double.isNaN(cpu) && Double.isNaN(statements)) return "-";
        return String.format(
                Locale.ROOT,
                "%s ms; %s",
                Double.isNaN(cpu) ? "-" : String.format(Locale.ROOT, "%.3f", cpu),
                Double.isNaN(statements) ? "-" : String.format(Locale.ROOT, "%.3f", statements));
    }

    /** Each target of issue 12 for {@code project}, with the figure and whether it is met. */
    static String targets(
            Map<QueueSystem, List<SideBySideBenchmark.RoundFigures>> results,
            QueueSystem project,
            List<String> phases,
            FloorBenchmark.Figures floor) {
        List<SideBySideBenchmark.RoundFigures> mine = results.get(project);
        StringBuilder b = new StringBuilder("Issue #12's targets for " + project.label() + " (medians above):\n\n");
        b.append("| target | figure | met |\n|---|---|---|\n");
        for (String p : phases) {
            double perS = median(mine, r -> r.drains().get(p).perSecond());
            row(
                    b,
                    "drain " + p + " ≥ 10,000 /s, per-guild order",
                    String.format(Locale.ROOT, "%,.0f /s", perS),
                    perS >= DRAIN_TARGET_PER_S);
            QueueSystem best = null;
            double bestPerS = 0;
            for (var e : results.entrySet()) {
                if (e.getKey() == project || e.getValue().isEmpty()) continue;
                double peer = median(e.getValue(), r -> r.drains().get(p).perSecond());
                if (peer > bestPerS) {
                    bestPerS = peer;
                    best = e.getKey();
                }
            }
            if (best != null)
                row(
                        b,
                        "drain " + p + " ahead of every peer",
                        String.format(
                                Locale.ROOT,
                                "%.2f × the best peer (%s, %,.0f /s, order: %s)",
                                perS / bestPerS,
                                best.label(),
                                bestPerS,
                                best.order()),
                        perS > bestPerS);
        }
        double p50 = median(mine, SideBySideBenchmark.RoundFigures::pickupP50);
        double p99 = median(mine, SideBySideBenchmark.RoundFigures::pickupP99);
        row(b, "pickup p50 ≤ 1.0 ms", String.format(Locale.ROOT, "%.2f ms", p50), p50 <= PICKUP_P50_TARGET_MS);
        row(b, "pickup p99 ≤ 5 ms", String.format(Locale.ROOT, "%.2f ms", p99), p99 <= PICKUP_P99_TARGET_MS);
        if (floor != null)
            row(
                    b,
                    "pickup p50 within 0.4 ms of the floor (NOTIFY + one-row claim committed)",
                    String.format(
                            Locale.ROOT,
                            "%.2f ms against the floor's %.2f ms: %+.2f ms",
                            p50,
                            floor.notifyClaimP50(),
                            p50 - floor.notifyClaimP50()),
                    p50 - floor.notifyClaimP50() <= FLOOR_MARGIN_MS);
        double cpu = median(mine, SideBySideBenchmark.RoundFigures::cpuMsPer1000);
        row(
                b,
                "worker CPU ≤ 50 ms per 1,000 jobs",
                String.format(Locale.ROOT, "%.1f ms", cpu),
                cpu <= WORKER_CPU_TARGET_MS);
        b.append("| the 5,000-guild claim under 10 ms | measured by ClaimPlanTest's plans, not here"
                + " (docs/benchmarks.md, \"The claim's plan\") | - |\n");

        List<double[]> stages = new ArrayList<>();
        for (var r : mine) if (r.stagesP50() != null) stages.add(r.stagesP50());
        if (!stages.isEmpty()) {
            b.append("\nThe pickup's stages inside the worker (p50, median of the rounds):");
            for (int k = 0; k < STAGES.length; k++) {
                int stage = k;
                double[] v = stages.stream().mapToDouble(x -> x[stage]).toArray();
                b.append(String.format(
                        Locale.ROOT,
                        " %s %.3f ms%s",
                        STAGES[k],
                        SideBySideBenchmark.median(v),
                        k < STAGES.length - 1 ? ";" : ".\n"));
            }
        }
        if (floor != null) {
            b.append(String.format(
                    Locale.ROOT,
                    "The floor on this server, this run (FloorBenchmark): NOTIFY committed → listener %.2f / %.2f ms p50 / p99;"
                            + " NOTIFY + one-row claim committed %.2f / %.2f ms; claim + complete with one commit per row %s rows/s;"
                            + " 200 rows per statement %,.0f rows/s.\n",
                    floor.notifyP50(),
                    floor.notifyP99(),
                    floor.notifyClaimP50(),
                    floor.notifyClaimP99(),
                    String.join(
                            ", ",
                            floor.oneCommitPerRow().entrySet().stream()
                                    .map(e ->
                                            String.format(Locale.ROOT, "%,.0f (%d clients)", e.getValue(), e.getKey()))
                                    .toList()),
                    floor.batched()));
        }
        return b.toString();
    }

    private static void row(StringBuilder b, String target, String figure, boolean met) {
        b.append("| ")
                .append(target)
                .append(" | ")
                .append(figure)
                .append(" | ")
                .append(met ? "yes" : "**no**")
                .append(" |\n");
    }

    private static double median(
            List<SideBySideBenchmark.RoundFigures> rs, ToDoubleFunction<SideBySideBenchmark.RoundFigures> f) {
        return SideBySideBenchmark.median(
                rs.stream().mapToDouble(f).filter(v -> !Double.isNaN(v)).toArray());
    }
}

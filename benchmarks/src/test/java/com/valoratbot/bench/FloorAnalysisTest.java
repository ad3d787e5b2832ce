package com.valoratbot.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FloorAnalysisTest {

    private static final List<String> PHASES = List.of("fresh@200", "steady@200");
    private static final QueueSystem PROJECT = new QueueSystem.ThisProject();
    private static final QueueSystem PEER = QueueSystem.byId("pgboss");
    private static final FloorBenchmark.Figures FLOOR =
            new FloorBenchmark.Figures(0.07, 1.0, 0.50, 2.5, Map.of(1, 1_400.0), 50_000);

    @Test
    void aDrainBehindTheFastestPeerIsNotAheadEvenAboveTenThousandASecond() {
        String report =
                FloorAnalysis.targets(results(rounds(12_000, 0.8), rounds(16_000, 2.0)), PROJECT, PHASES, FLOOR);

        assertThat(report)
                .contains("| drain fresh@200 ≥ 10,000 /s, per-guild order | 12,000 /s | yes |")
                .contains(
                        "| drain fresh@200 ahead of every peer | 0.75 × the best peer (pg-boss, 16,000 /s, order: none) | **no** |");
    }

    @Test
    void aPickupMoreThanFourTenthsOfAMillisecondAboveTheFloorMissesThatTargetButMeetsTheAbsoluteOne() {
        String report =
                FloorAnalysis.targets(results(rounds(12_000, 0.95), rounds(9_000, 2.0)), PROJECT, PHASES, FLOOR);

        assertThat(report)
                .contains("| pickup p50 ≤ 1.0 ms | 0.95 ms | yes |")
                .contains("0.95 ms against the floor's 0.50 ms: +0.45 ms | **no** |")
                .contains("| drain steady@200 ahead of every peer | 1.33 × the best peer");
    }

    @Test
    void theMedianOfTheRoundsDecidesNotTheBestRound() {
        List<SideBySideBenchmark.RoundFigures> project =
                List.of(figures(9_000, 1.2), figures(20_000, 0.7), figures(9_500, 1.1));
        String report = FloorAnalysis.targets(results(project, rounds(1_000, 2.0)), PROJECT, PHASES, FLOOR);

        assertThat(report)
                .contains("| drain fresh@200 ≥ 10,000 /s, per-guild order | 9,500 /s | **no** |")
                .contains("| pickup p50 ≤ 1.0 ms | 1.10 ms | **no** |");
    }

    @Test
    void whereTheTimeGoesShowsEachSystemsServerCostPerJobAndADashWhereItWasNotMeasurable() {
        String table = FloorAnalysis.whereTheTimeGoes(results(rounds(12_000, 0.8), rounds(9_000, 2.0)), PHASES);

        assertThat(table)
                .contains("| this project | 0.400 ms; 2.000 | 0.070 ms; 0.004 | 0.070 ms; 0.004 |")
                .contains("| pg-boss | - | - | - |");
    }

    private static Map<QueueSystem, List<SideBySideBenchmark.RoundFigures>> results(
            List<SideBySideBenchmark.RoundFigures> project, List<SideBySideBenchmark.RoundFigures> peer) {
        Map<QueueSystem, List<SideBySideBenchmark.RoundFigures>> results = new LinkedHashMap<>();
        results.put(PROJECT, project);
        results.put(PEER, peer);
        return results;
    }

    private static List<SideBySideBenchmark.RoundFigures> rounds(double perS, double pickupP50) {
        return List.of(figures(perS, pickupP50), figures(perS, pickupP50), figures(perS, pickupP50));
    }

    private static SideBySideBenchmark.RoundFigures figures(double perS, double pickupP50) {
        boolean measured = perS >= 10_000 || pickupP50 < 1.5;
        ServerCost.Cost drainCost = measured ? new ServerCost.Cost(0.070, 0.004, "{}") : ServerCost.Cost.NONE;
        ServerCost.Cost pickupCost = measured ? new ServerCost.Cost(0.4, 2.0, "{}") : ServerCost.Cost.NONE;
        Map<String, SideBySideBenchmark.Drain> drains = new LinkedHashMap<>();
        for (String p : PHASES)
            drains.put(p, new SideBySideBenchmark.Drain(20_000, 20_000, 20_000 / perS, perS, false, 0, drainCost));
        return new SideBySideBenchmark.RoundFigures(pickupP50, 4.0, 9.0, 1_000, drains, 33, 10, pickupCost, null);
    }
}

package com.valoratbot.metrics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Whether this process can do its work now: starting (not yet), serving (every check up), or stopping.
 * Each check runs on its own thread with a deadline, one at a time: a database that does not answer
 * makes the check say so after {@link #DEFAULT_TIMEOUT} instead of holding the probe, and probes
 * arriving meanwhile do not pile up threads behind it.
 */
public final class Readiness {

    /** How long one check may take before it counts as down. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    /** A named check: {@code database}, {@code gateway}. */
    public record Check(String name, Supplier<Health> probe) {
        public Check {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(probe, "probe");
        }
    }

    /** The answer: ready or not, with each check's answer (or the stage) for the operator. */
    public record Report(boolean ready, String stage, Map<String, Health> checks) {}

    private sealed interface Stage {}

    private record Starting() implements Stage {}

    private record Serving(List<Running> checks) implements Stage {}

    private record Stopping() implements Stage {}

    private final Duration timeout;
    private final Executor executor =
            task -> Thread.ofVirtual().name("valoratbot-health").start(task);
    private volatile Stage stage = new Starting();

    public Readiness() {
        this(DEFAULT_TIMEOUT);
    }

    public Readiness(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** Everything is started: from now on ready means every check is up. */
    public void serving(List<Check> checks) {
        stage = new Serving(checks.stream().map(Running::new).toList());
    }

    /** Stopping: not ready any more, whatever the checks say. */
    public void stopping() {
        stage = new Stopping();
    }

    public Report report() {
        return switch (stage) {
            case Starting s -> new Report(false, "starting", Map.of());
            case Stopping s -> new Report(false, "stopping", Map.of());
            case Serving(List<Running> checks) -> {
                Map<String, Health> answers = new LinkedHashMap<>();
                boolean ready = true;
                for (Running c : checks) {
                    Health h = c.probe();
                    answers.put(c.check.name(), h);
                    ready &= h instanceof Health.Up;
                }
                yield new Report(ready, "serving", answers);
            }
        };
    }

    /** A check and its probe in flight, if one is still running. */
    private final class Running {
        private final Check check;
        private CompletableFuture<Health> inFlight;

        Running(Check check) {
            this.check = check;
        }

        synchronized Health probe() {
            if (inFlight == null || inFlight.isDone()) {
                inFlight = CompletableFuture.supplyAsync(check.probe(), executor);
            }
            try {
                return inFlight.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return Health.down("no answer within " + timeout.toMillis() + " ms");
            } catch (ExecutionException e) {
                return Health.down(String.valueOf(e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Health.down("interrupted");
            }
        }
    }
}

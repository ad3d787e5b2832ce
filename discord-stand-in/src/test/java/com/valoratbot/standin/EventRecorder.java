package com.valoratbot.standin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import net.dv8tion.jda.api.events.GenericEvent;
import net.dv8tion.jda.api.hooks.EventListener;

/**
 * Keeps every JDA event so a test can wait for the one a stand-in dispatch should have caused, whether it
 * already arrived or is still coming (replayed events arrive before the resume event, for instance).
 */
final class EventRecorder implements EventListener {

    private final List<GenericEvent> events = new ArrayList<>();

    @Override
    public synchronized void onEvent(GenericEvent event) {
        events.add(event);
        notifyAll();
    }

    <T extends GenericEvent> T await(Class<T> type, Predicate<T> condition) throws InterruptedException {
        return await(type, condition, Duration.ofSeconds(10));
    }

    synchronized <T extends GenericEvent> T await(Class<T> type, Predicate<T> condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int checked = 0;
        while (true) {
            for (; checked < events.size(); checked++) {
                GenericEvent event = events.get(checked);
                if (type.isInstance(event) && condition.test(type.cast(event))) {
                    return type.cast(event);
                }
            }
            long leftMs = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMs <= 0) {
                throw new AssertionError("No " + type.getSimpleName() + " matching the condition within " + timeout);
            }
            wait(leftMs);
        }
    }
}

package com.valoratbot.standin;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import net.dv8tion.jda.api.events.GenericEvent;
import net.dv8tion.jda.api.hooks.EventListener;

/** Collects JDA events so a test can wait for the one a stand-in dispatch should have caused. */
final class EventRecorder implements EventListener {

    private final LinkedBlockingQueue<GenericEvent> events = new LinkedBlockingQueue<>();

    @Override
    public void onEvent(GenericEvent event) {
        events.add(event);
    }

    void clear() {
        events.clear();
    }

    <T extends GenericEvent> T await(Class<T> type, Predicate<T> condition) throws InterruptedException {
        return await(type, condition, Duration.ofSeconds(10));
    }

    <T extends GenericEvent> T await(Class<T> type, Predicate<T> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            GenericEvent event = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new AssertionError("No " + type.getSimpleName() + " matching the condition within " + timeout);
            }
            if (type.isInstance(event) && condition.test(type.cast(event))) {
                return type.cast(event);
            }
        }
    }
}

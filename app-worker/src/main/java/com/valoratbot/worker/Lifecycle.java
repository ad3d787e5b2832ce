package com.valoratbot.worker;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What was started, to be closed in reverse order: the worker before Discord and the database it
 * still writes to. Guice builds objects but has no notion of stopping them.
 */
public final class Lifecycle implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Lifecycle.class);
    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    public synchronized <T extends AutoCloseable> T manage(T resource) {
        started.push(resource);
        return resource;
    }

    @Override
    public synchronized void close() {
        while (!started.isEmpty()) {
            AutoCloseable next = started.pop();
            try {
                next.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", next.getClass().getSimpleName(), e.toString());
            }
        }
    }
}

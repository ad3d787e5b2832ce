package com.valoratbot.worker;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What {@link WorkerApp} started around the front door, to be closed in reverse order: the running
 * backend (which stops its own parts in its written order) before the sandbox's stand-in it talks
 * to, and the sandbox lock last.
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
